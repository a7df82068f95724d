package io.caresstream.providers;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP server of the process's own on 127.0.0.1 that answers every request with the smallest well-formed
 * success answer of one provider, made here: rehearsal calls ({@link ChatClients#rehearse}) go through the
 * same SDK, mapping and JDK HTTP client as real calls, without a key, a bill or a byte leaving the machine.
 */
final class RehearsalServer implements AutoCloseable {

    static final String ANSWER_TEXT = "rehearsal";

    private static final Map<String, String> ANSWERS = Map.of(
            "openai", """
                    {"id":"rehearsal","object":"chat.completion","created":0,"model":"rehearsal",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"rehearsal"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
            "anthropic", """
                    {"id":"rehearsal","type":"message","role":"assistant","model":"rehearsal",
                     "content":[{"type":"text","text":"rehearsal"}],"stop_reason":"end_turn",
                     "usage":{"input_tokens":1,"output_tokens":1}}""",
            "gemini", """
                    {"candidates":[{"content":{"role":"model","parts":[{"text":"rehearsal"}]},"finishReason":"STOP"}],
                     "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}""");

    /**
     * The JDK's HTTP server writes an answer's headers and its body as two segments; without TCP_NODELAY the body
     * waits for the client's delayed acknowledgement of the headers, 40 ms on Linux, so every rehearsal call took
     * 40 ms instead of a fraction of one (256 calls, 8 in flight: 1.5 s against 0.24 s). The JDK reads this
     * property once, when its first HTTP server is made; set here unless the operator set it.
     */
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;

    private RehearsalServer(HttpServer server) {
        this.server = server;
    }

    static RehearsalServer start(String provider) {
        String answer = ANSWERS.get(provider.toLowerCase(Locale.ROOT));
        if (answer == null) {
            throw new IllegalArgumentException("no rehearsal answer for provider " + provider);
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/", exchange -> {
                try (InputStream request = exchange.getRequestBody(); OutputStream response = exchange.getResponseBody()) {
                    request.readAllBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    response.write(body);
                }
            });
            server.start();
            return new RehearsalServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the rehearsal server on 127.0.0.1", e);
        }
    }

    /** The base URL a client of this provider is given: any path is answered. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
