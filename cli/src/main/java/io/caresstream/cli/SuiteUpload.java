package io.caresstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A suite file sent as a request's whole body, with its name and the import options in the query: the
 * prompt-generator reads JSON Lines and CSV rows while the body still streams in, where a multipart upload is
 * first written out whole (docs/performance.md). Streamed from disk: a suite can be hundreds of megabytes.
 */
public final class SuiteUpload implements HttpExchange.Body {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final long length;
    private final String query;

    /**
     * @param options the import options (format, mapping, selection, suite, ...), written as JSON
     * @throws FileNotFoundException when the file cannot be read
     */
    public SuiteUpload(Path file, Object options) throws FileNotFoundException {
        if (!Files.isReadable(file)) {
            throw new FileNotFoundException(file.toString());
        }
        this.file = file;
        try {
            this.length = Files.size(file);
        } catch (IOException e) {
            throw new FileNotFoundException(file + ": " + e.getMessage());
        }
        this.query = "name=" + encode(file.getFileName().toString()) + "&options=" + encode(json(options));
    }

    /** The import endpoint's address (e.g. http://host:8082/api/suites/import) with this upload's query. */
    public URI address(URI importEndpoint) {
        return URI.create(importEndpoint + "?" + query);
    }

    /** By extension, as the server reads the format when the options do not name it. */
    @Override
    public String contentType() {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") ? "text/csv"
                : name.endsWith(".parquet") ? "application/vnd.apache.parquet" : "application/x-ndjson";
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        Files.copy(file, out);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String json(Object options) {
        try {
            return JSON.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the import options as JSON", e);
        }
    }
}
