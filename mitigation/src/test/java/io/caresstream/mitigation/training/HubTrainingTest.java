package io.caresstream.mitigation.training;

import io.caresstream.suites.reading.ParquetFiles;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cares-classifier --hub} against a local server that answers like the hub (revision, tree and
 * resolve APIs) with Parquet splits the project makes: one command downloads both splits and trains.
 */
class HubTrainingTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void oneCommandDownloadsBothSplitsAndTrains() throws Exception {
        Path train = ParquetFiles.fromJsonLines(ProjectLabelledSet.write(dir.resolve("train.jsonl"), 150, 1, ProjectLabelledSet.Part.TRAIN));
        Path test = ParquetFiles.fromJsonLines(ProjectLabelledSet.write(dir.resolve("test.jsonl"), 50, 2, ProjectLabelledSet.Part.TEST));
        AtomicInteger downloads = new AtomicInteger();
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "/api/datasets/test-org/cares-mini";
        // The hub fails now and then: the first revision look-up and the first download get an HTTP 503.
        AtomicInteger lookups = new AtomicInteger();
        hub.createContext(base + "/revision/", exchange -> {
            if (lookups.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
            } else {
                send(exchange, "{\"sha\": \"" + COMMIT + "\"}");
            }
        });
        hub.createContext(base + "/tree/" + COMMIT, exchange -> send(exchange, "[{\"type\": \"directory\", \"path\": \"data\"},"
                + "{\"type\": \"file\", \"path\": \"data/train-00000-of-00001.parquet\", \"size\": " + Files.size(train) + "},"
                + "{\"type\": \"file\", \"path\": \"data/test-00000-of-00001.parquet\", \"size\": " + Files.size(test) + "},"
                + "{\"type\": \"file\", \"path\": \"README.md\", \"size\": 3}]"));
        hub.createContext("/datasets/test-org/cares-mini/resolve/" + COMMIT + "/data/", exchange -> {
            if (downloads.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(exchange.getRequestURI().getPath().contains("train") ? train : test);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hub.start();
        try {
            String endpoint = "http://127.0.0.1:" + hub.getAddress().getPort();
            String[] args = {"--hub", "--dataset", "test-org/cares-mini", "--revision", "main", "--hub-endpoint", endpoint,
                    "--cache", dir.resolve("cache").toString(), "--features", "ngram", "--out", dir.resolve("out").toString()};
            assertEquals(0, new CommandLine(new TrainCommand()).execute(args));
            assertEquals(3, downloads.get(), "both splits downloaded, the first after a retry");
            assertTrue(Files.exists(dir.resolve("cache/test-org_cares-mini/" + COMMIT + "/data/train-00000-of-00001.parquet")));
            assertEquals(0, new CommandLine(new TrainCommand()).execute(args));
            assertEquals(3, downloads.get(), "a second run uses the cache");
            try (var files = Files.list(dir.resolve("out"))) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("jailbreak-classifier-ngram-")));
            }
        } finally {
            hub.stop(0);
        }
    }

    private static void send(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
