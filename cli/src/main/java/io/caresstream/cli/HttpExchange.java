package io.caresstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * One request and its answer over the JDK's blocking HTTP connection. The command line is a new JVM for every
 * command, and there the JDK's asynchronous HttpClient cost about 0.45 s before its first byte (its selector,
 * its flow machinery and the default TLS context, loaded even for http://) and sent a 3.4 MB suite in 0.65-0.8 s
 * where this took 0.23-0.3 s, the server's reading included (docs/performance.md).
 */
public final class HttpExchange {

    /** What a request's body is: its type, its length in bytes (sent as Content-Length, never buffered) and its bytes. */
    public interface Body {
        String contentType();

        long length();

        void writeTo(OutputStream out) throws IOException;

        /** A body held in memory, e.g. a request's JSON. */
        static Body of(String contentType, byte[] bytes) {
            return new Body() {
                @Override
                public String contentType() {
                    return contentType;
                }

                @Override
                public long length() {
                    return bytes.length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(bytes);
                }
            };
        }
    }

    /** The answer: its status and its body as text (empty when there is none). */
    public record Reply(int status, String body) {
    }

    /**
     * Bodies above this ask the server first (Expect: 100-continue), which costs a round trip; smaller ones fit in
     * the socket's buffers, so the server's answer is read whatever it is.
     */
    static final long ASK_FIRST_BYTES = 64 * 1024;

    private HttpExchange() {
    }

    /**
     * Sends the request and reads the whole answer; no limit on how long the server takes (an import publishes for as
     * long as its suite needs).
     *
     * @param body null for none
     * @throws java.net.ConnectException when nothing listens at the address
     */
    public static Reply send(String method, URI uri, Map<String, String> headers, Body body, Duration connectTimeout)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setRequestMethod(method);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", body.contentType());
                connection.setFixedLengthStreamingMode(body.length());
                if (body.length() > ASK_FIRST_BYTES) {
                    // A server refusing the request (too large, no right to import) answers before the body is
                    // sent; sent anyway, it would close the connection mid-body and the answer would be lost.
                    connection.setRequestProperty("Expect", "100-continue");
                }
                try (OutputStream out = connection.getOutputStream()) {
                    body.writeTo(out);
                } catch (ProtocolException e) {
                    // The JDK's report of an answer other than 100 to Expect; the status is read already.
                    if (connection.getResponseCode() < 400) {
                        throw e;
                    }
                }
            }
            int status = connection.getResponseCode();
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            connection.disconnect();
        }
    }
}
