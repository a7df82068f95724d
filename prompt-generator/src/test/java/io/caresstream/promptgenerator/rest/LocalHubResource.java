package io.caresstream.promptgenerator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the hub API and the dataset viewer's rows API on 127.0.0.1, in their wire formats,
 * serving rows the project makes itself: the sample suite as "HFXM/CARES-18K" split "test" at the pinned
 * revision, and "test-org/broken" with one malformed row and one whose prompt the viewer truncated. It answers 429 once, to exercise the retries.
 */
public class LocalHubResource implements QuarkusTestResourceLifecycleManager {

    static final String SERVED_COMMIT = SuiteResource.CARES_REVISION;
    static final String OLD_COMMIT = "1111111111111111111111111111111111111111";
    static final AtomicInteger ROW_REQUESTS = new AtomicInteger();
    static volatile String lastAuthorization;

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            List<JsonNode> sample = new ArrayList<>();
            for (String line : Files.readAllLines(TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl"))) {
                sample.add(JSON.readTree(line));
            }
            List<JsonNode> broken = new ArrayList<>(sample.subList(0, 3));
            broken.set(1, ((ObjectNode) broken.get(1).deepCopy()).put("method", "telepathy"));
            Map<String, List<JsonNode>> datasets = Map.of("HFXM/CARES-18K", sample, "test-org/broken", broken);
            AtomicInteger throttled = new AtomicInteger();

            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/datasets/", exchange -> {
                // /api/datasets/{owner}/{name}/revision/{revision}
                String[] parts = exchange.getRequestURI().getPath().split("/");
                String dataset = parts[3] + "/" + parts[4];
                String revision = parts[6];
                if (!datasets.containsKey(dataset)) {
                    send(exchange, 404, "{\"error\":\"Repository not found\"}");
                } else if (revision.equals("main") || revision.equals(SERVED_COMMIT)) {
                    send(exchange, 200, "{\"id\":\"" + dataset + "\",\"sha\":\"" + SERVED_COMMIT + "\"}");
                } else if (revision.equals(OLD_COMMIT) || revision.equals("v0")) {
                    send(exchange, 200, "{\"id\":\"" + dataset + "\",\"sha\":\"" + OLD_COMMIT + "\"}");
                } else {
                    send(exchange, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}");
                }
            });
            server.createContext("/rows", exchange -> {
                lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (ROW_REQUESTS.incrementAndGet() == 1 && throttled.getAndIncrement() == 0) {
                    send(exchange, 429, "{\"error\":\"Too many requests\"}");
                    return;
                }
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                List<JsonNode> rows = datasets.get(query.get("dataset"));
                if (rows == null || !"test".equals(query.get("split"))) {
                    send(exchange, 404, "{\"error\":\"Not found.\"}");
                    return;
                }
                int offset = Integer.parseInt(query.get("offset"));
                int length = Integer.parseInt(query.get("length"));
                ObjectNode page = JSON.createObjectNode();
                ArrayNode pageRows = page.putArray("rows");
                for (int i = offset; i < Math.min(rows.size(), offset + length); i++) {
                    ObjectNode row = pageRows.addObject().put("row_idx", i);
                    row.set("row", rows.get(i));
                    ArrayNode truncated = row.putArray("truncated_cells");
                    if (query.get("dataset").equals("test-org/broken") && i == 2) {
                        truncated.add("prompt");
                    }
                }
                page.put("num_rows_total", rows.size()).put("num_rows_per_page", 100).put("partial", false);
                send(exchange, 200, page.toString());
            });
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("cares.hub.endpoint", base, "cares.hub.viewer-endpoint", base, "cares.hub.page-size", "25",
                "cares.hub.token-env", "CARES_TEST_HUB_TOKEN_NOT_SET");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
