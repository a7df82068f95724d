package io.caresstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A file upload as multipart/form-data, the way the prompt-generator takes suites: a JSON part {@code options}
 * and the part {@code file}, streamed from disk (a suite can be hundreds of megabytes). The JDK's HTTP client
 * has no multipart body of its own.
 */
public final class MultipartUpload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String boundary = "cares-" + UUID.randomUUID();
    private final HttpRequest.BodyPublisher body;

    /**
     * @param options the import options (format, mapping, selection, suite, ...), written as JSON
     * @throws FileNotFoundException when the file cannot be read
     */
    public MultipartUpload(Path file, Object options) throws FileNotFoundException {
        String name = file.getFileName().toString().replace("\"", "").replaceAll("\\p{Cntrl}", "");
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"options\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + json(options) + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofFile(file),
                HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
    }

    /** A POST of the upload to the given address. */
    public HttpRequest.Builder post(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body);
    }

    private static String json(Object options) {
        try {
            return JSON.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the import options as JSON", e);
        }
    }
}
