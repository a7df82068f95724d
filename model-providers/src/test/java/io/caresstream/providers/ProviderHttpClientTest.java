package io.caresstream.providers;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.PromptCatalog;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport under the provider models: one request per call, and connections kept between calls. */
class ProviderHttpClientTest {

    private static ChatClient client(String root, int maxRetries) {
        ChatModelSpec spec = new ChatModelSpec("openai-sim@1", "openai", root + "/v1", "simulated-model", 0.0, 64,
                Optional.empty(), Duration.ofSeconds(5), maxRetries, ApiKeySource.NONE, false,
                new CallPolicy(Optional.empty(), Optional.empty(), Duration.ofMillis(10), Duration.ofMillis(20)),
                new Price(2.5, 10));
        return ChatClients.create(spec, Map.of());
    }

    @Test
    void aCallWhoseConnectionDropsBeforeTheAnswerIsSentOnceAndNotAgainBehindTheRetryPolicy() throws Exception {
        AtomicInteger arrived = new AtomicInteger();
        try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!dropping.isClosed()) {
                    try (Socket socket = dropping.accept()) {
                        readRequest(socket.getInputStream());
                        arrived.incrementAndGet();
                        // The request was read, perhaps worked on and billed, and no answer comes.
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "dropping-server");
            server.setDaemon(true);
            server.start();

            ProviderException failed = assertThrows(ProviderException.class,
                    () -> client("http://127.0.0.1:" + dropping.getLocalPort(), 0).complete(Optional.empty(), "hello"));
            assertEquals(1, failed.attempts());
            // The JDK re-sends a POST with a buffered body once by itself when the connection drops
            // (sun.net.http.retryPost): that would be a second, billed call the policy never counted.
            assertEquals(1, arrived.get(), "requests the server received for one attempt");
        }
    }

    @Test
    void manyCallsInFlightKeepTheirConnectionsForTheNextCalls() throws Exception {
        try (SimulatedModelServer server = SimulatedModelServer.start(0, PromptCatalog.empty(),
                Profile.defaults().withLatencyMs(20), null)) {
            ChatClient client = client(server.baseUrl().replaceAll("/v1$", ""), 0);
            int callers = 32;
            int callsEach = 20;
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < callsEach; i++) {
                            client.complete(Optional.empty(), String.format(Locale.ROOT, "question %d of caller %d", i, caller));
                        }
                        return null;
                    }));
                }
                for (Future<?> call : done) {
                    call.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long calls = server.stats().getOrDefault("requests", 0L);
            long connections = server.stats().getOrDefault("connections", 0L);
            assertEquals(callers * callsEach, calls);
            // One per caller, kept from call to call. The JDK keeps 5 idle connections per server unless told
            // otherwise, and closes the others as their answers come in together (60 connections for these 640 calls).
            assertTrue(connections <= callers + 4, connections + " connections for " + calls + " calls");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json; charset=ISO-8859-1 | ISO-8859-1",
            "application/json;charset=\"iso-8859-1\" | ISO-8859-1",
            "application/json; charset=utf-8 | UTF-8",
            "application/json | UTF-8",
            "'' | UTF-8"})
    void anAnswerIsReadInTheCharsetItsContentTypeNamesAndInUtf8WhenItNamesNone(String contentType, String written)
            throws Exception {
        // Only a content type that names a charset reaches the SDK; that charset must still decide how the body is
        // read, and an answer that names none is read as UTF-8.
        byte[] body = ("{\"id\": \"a1\", \"object\": \"chat.completion\", \"model\": \"simulated-model\", "
                + "\"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", \"message\": {\"role\": \"assistant\", "
                + "\"content\": \"Ne prenez pas plus que la dose prescrite, \u00e0 aucun moment.\"}}], "
                + "\"usage\": {\"prompt_tokens\": 3, \"completion_tokens\": 9, \"total_tokens\": 12}}")
                .getBytes(java.nio.charset.Charset.forName(written));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (!contentType.isEmpty()) {
                exchange.getResponseHeaders().add("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            Completion completion = client("http://127.0.0.1:" + server.getAddress().getPort(), 0)
                    .complete(Optional.empty(), "hello");
            assertEquals("Ne prenez pas plus que la dose prescrite, \u00e0 aucun moment.", completion.text());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theSdkIsHandedTheContentTypeOnlyWhenItNamesACharset() {
        assertEquals(Map.of("Content-Type", List.of("text/plain; Charset=UTF-16")),
                ProviderHttpClient.headersForTheSdk("text/plain; Charset=UTF-16"));
        assertEquals(Map.of(), ProviderHttpClient.headersForTheSdk("application/json"));
        assertEquals(Map.of(), ProviderHttpClient.headersForTheSdk(null));
    }

    @Test
    void callsGoThroughTheProxyTheSystemSelectsAndStraightToTheEndpointOtherwise() throws Exception {
        // A proxy: it answers for the endpoint, which itself does not listen.
        List<String> forwarded = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] answer = ("{\"id\": \"a1\", \"object\": \"chat.completion\", \"model\": \"simulated-model\", "
                + "\"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", \"message\": {\"role\": \"assistant\", "
                + "\"content\": \"through the proxy\"}}]}").getBytes(StandardCharsets.UTF_8);
        proxy.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            // A proxy is sent the whole address of the endpoint.
            forwarded.add(exchange.getRequestURI().toString());
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        proxy.start();
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        java.net.ProxySelector system = java.net.ProxySelector.getDefault();
        java.net.ProxySelector viaProxy = java.net.ProxySelector.of(proxy.getAddress());
        try {
            java.net.ProxySelector.setDefault(viaProxy);
            assertEquals("through the proxy", client(endpoint, 0).complete(Optional.empty(), "hello").text());
            assertEquals("through the proxy", client(endpoint, 0).complete(Optional.empty(), "hello").text());
            assertEquals(List.of(endpoint + "/v1/chat/completions", endpoint + "/v1/chat/completions"), forwarded);
            assertEquals(null, ProviderHttpClient.proxyFor(java.net.URI.create(endpoint)));
        } finally {
            java.net.ProxySelector.setDefault(system);
            proxy.stop(0);
        }
        // The system's own selector, no proxy set (and loopback never proxied): straight to the endpoint.
        assertEquals(java.net.Proxy.NO_PROXY, ProviderHttpClient.proxyFor(java.net.URI.create(endpoint)));
        assertThrows(ProviderException.class, () -> client(endpoint, 0).complete(Optional.empty(), "hello"));
        assertEquals(2, forwarded.size());
    }

    @Test
    void eachRequestGoesToItsOwnAddressThoughTheClientKeepsTheLastOneParsed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] path = exchange.getRequestURI().toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, path.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(path);
            }
        });
        server.start();
        try {
            HttpClient http = new ProviderHttpClient.Builder("openai").build();
            String root = "http://127.0.0.1:" + server.getAddress().getPort();
            for (String path : List.of("/v1/chat/completions", "/v1/chat/completions", "/v2/other?x=1", "/v1/chat/completions")) {
                HttpRequest request = HttpRequest.builder().method(HttpMethod.POST).url(root + path).body("{}").build();
                assertEquals(path, http.execute(request).body());
            }
        } finally {
            server.stop(0);
        }
    }

    /** Reads one request's headers and its Content-Length of body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the headers");
            }
            head.append((char) b);
        }
        int length = head.toString().lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElse(0);
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("closed in the body: " + new String(body, StandardCharsets.UTF_8));
        }
    }
}
