package io.caresstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.FileNotFoundException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A suite file sent as a request's whole body, with its name and the import options in the query: the
 * prompt-generator reads JSON Lines and CSV rows while the body still streams in, where a multipart upload is
 * first written out whole (about 0.3 s of a 10,000-row suite's start, docs/performance.md). Streamed from disk: a
 * suite can be hundreds of megabytes.
 */
public final class SuiteUpload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String query;
    private final HttpRequest.BodyPublisher body;

    /**
     * @param options the import options (format, mapping, selection, suite, ...), written as JSON
     * @throws FileNotFoundException when the file cannot be read
     */
    public SuiteUpload(Path file, Object options) throws FileNotFoundException {
        this.file = file;
        this.body = HttpRequest.BodyPublishers.ofFile(file);
        this.query = "name=" + encode(file.getFileName().toString()) + "&options=" + encode(json(options));
    }

    /** A POST of the suite to the import endpoint's address, e.g. http://host:8082/api/suites/import. */
    public HttpRequest.Builder post(URI importEndpoint) {
        return HttpRequest.newBuilder(URI.create(importEndpoint + "?" + query))
                .header("Content-Type", contentType(file)).POST(body);
    }

    /** By extension, as the server reads the format when the options do not name it. */
    static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") ? "text/csv"
                : name.endsWith(".parquet") ? "application/vnd.apache.parquet" : "application/x-ndjson";
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
