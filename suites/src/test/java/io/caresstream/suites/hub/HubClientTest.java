package io.caresstream.suites.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub client's retries, against a local server that fails the way the hub does at times. */
class HubClientTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final byte[] FILE = "PAR1 not really parquet, but bytes with a size".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer hub;
    private HubClient client;

    @BeforeEach
    void start() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.start();
        String endpoint = "http://127.0.0.1:" + hub.getAddress().getPort();
        client = new HubClient(endpoint, endpoint, "CARES_TEST_NO_TOKEN", Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        hub.stop(0);
    }

    @Test
    void transientFailuresAreRetriedUntilTheHubAnswers() {
        AtomicInteger calls = new AtomicInteger();
        hub.createContext("/api/datasets/org/set/revision/", exchange -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                send(exchange, 503, "{}");
            } else if (call == 2) {
                send(exchange, 429, "{}");
            } else {
                send(exchange, 200, "{\"sha\": \"" + COMMIT + "\"}");
            }
        });
        assertEquals(COMMIT, client.resolveRevision("org/set", "main"));
        assertEquals(3, calls.get(), "two transient failures, then the answer");
    }

    @Test
    void aShortDownloadIsFetchedAgainAndAPermanentFailureIsNotRetried() throws Exception {
        AtomicInteger downloads = new AtomicInteger();
        hub.createContext("/datasets/org/set/resolve/" + COMMIT + "/data/", exchange -> {
            // The first answer breaks off early; the second is whole.
            byte[] body = downloads.incrementAndGet() == 1 ? java.util.Arrays.copyOf(FILE, 10) : FILE;
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        Path target = dir.resolve("shard.parquet");
        client.download("org/set", COMMIT, new HubClient.HubFile("data/test-0.parquet", FILE.length, Optional.empty()), target);
        assertEquals(2, downloads.get());
        assertArrayEquals(FILE, Files.readAllBytes(target));

        AtomicInteger missing = new AtomicInteger();
        hub.createContext("/api/datasets/org/gone/revision/", exchange -> {
            missing.incrementAndGet();
            send(exchange, 404, "{}");
        });
        IllegalArgumentException notFound = assertThrows(IllegalArgumentException.class,
                () -> client.resolveRevision("org/gone", "main"));
        assertTrue(notFound.getMessage().contains("not found"), notFound.getMessage());
        assertEquals(1, missing.get(), "a 404 is final");
    }

    @Test
    void aHubThatKeepsFailingIsGivenUpOnAfterTheLastAttempt() {
        AtomicInteger calls = new AtomicInteger();
        hub.createContext("/api/datasets/org/set/tree/" + COMMIT, exchange -> {
            calls.incrementAndGet();
            send(exchange, 500, "{}");
        });
        HubClient.TransientHubException failure = assertThrows(HubClient.TransientHubException.class,
                () -> client.files("org/set", COMMIT));
        assertTrue(failure.getMessage().contains("HTTP 500"), failure.getMessage());
        assertEquals(HubClient.MAX_ATTEMPTS, calls.get());
    }

    @Test
    void aSplitTheDataSetLacksIsRefusedNamingTheSplitsItHas() {
        hub.createContext("/api/datasets/org/set/tree/" + COMMIT, exchange -> send(exchange, 200,
                "[{\"type\": \"file\", \"path\": \"data/train-00000-of-00001.parquet\", \"size\": 3},"
                        + "{\"type\": \"file\", \"path\": \"data/test-00000-of-00001.parquet\", \"size\": 3}]"));
        assertEquals(List.of("data/test-00000-of-00001.parquet"),
                HubSplits.shardsOf(client, "org/set", COMMIT, "test").stream().map(HubClient.HubFile::path).toList());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> HubSplits.shardsOf(client, "org/set", COMMIT, "validation"));
        assertEquals("hf://datasets/org/set@0123456 has no Parquet files for split 'validation' (splits found: [test, train])",
                refused.getMessage());
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
