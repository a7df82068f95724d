package io.caresstream.promptgenerator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.suites.reading.ParquetFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the hub (revision and tree APIs, the resolve endpoint redirecting to a separate file
 * store) and the dataset viewer's rows API on 127.0.0.1, in their wire formats, serving data the project
 * makes itself as Parquet files and rows:
 * <ul>
 *   <li>"HFXM/CARES-18K" at the pinned revision: the sample suite as split "test", its first 16 rows as
 *       "train"; at {@link #OLD_COMMIT}: 8 rows as "test" in two shards;</li>
 *   <li>"test-org/broken": one malformed row and one whose prompt the viewer truncated;</li>
 *   <li>"test-org/corrupt": a file whose bytes do not match the SHA-256 the hub lists.</li>
 * </ul>
 * The rows API answers 429 once, to exercise the retries; the tree API pages two entries at a time.
 */
public class LocalHubResource implements QuarkusTestResourceLifecycleManager {

    static final String SERVED_COMMIT = SuiteResource.CARES_REVISION;
    static final String OLD_COMMIT = "1111111111111111111111111111111111111111";
    static final AtomicInteger ROW_REQUESTS = new AtomicInteger();
    static volatile String lastAuthorization;
    static volatile String lastHubAuthorization;
    static volatile String lastStoreAuthorization;
    static final AtomicInteger STORE_DOWNLOADS = new AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private HttpServer store;
    private Path filesDir;

    /** A file of a data set at a commit: its path in the repository and its bytes on the file store. */
    private record RepoFile(String path, Path local, boolean corrupt) {
    }

    @Override
    public Map<String, String> start() {
        try {
            List<JsonNode> sample = new ArrayList<>();
            for (String line : Files.readAllLines(TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl"))) {
                sample.add(JSON.readTree(line));
            }
            List<JsonNode> broken = new ArrayList<>(sample.subList(0, 3));
            broken.set(1, ((ObjectNode) broken.get(1).deepCopy()).put("method", "telepathy"));
            Map<String, List<JsonNode>> datasets = Map.of("HFXM/CARES-18K", sample, "test-org/broken", broken,
                    "test-org/corrupt", sample.subList(0, 2));
            AtomicInteger throttled = new AtomicInteger();

            filesDir = Files.createTempDirectory("local-hub-");
            Map<String, List<RepoFile>> trees = new HashMap<>();
            trees.put("HFXM/CARES-18K@" + SERVED_COMMIT, List.of(
                    parquet("data/test-00000-of-00001.parquet", sample, false),
                    parquet("data/train-00000-of-00001.parquet", sample.subList(0, 16), false),
                    text("README.md", "# A local stand-in\n")));
            trees.put("HFXM/CARES-18K@" + OLD_COMMIT, List.of(
                    parquet("data/test-00000-of-00002.parquet", sample.subList(0, 4), false),
                    parquet("data/test-00001-of-00002.parquet", sample.subList(4, 8), false)));
            trees.put("test-org/broken@" + SERVED_COMMIT, List.of(parquet("data/test-00000-of-00001.parquet", broken, false)));
            trees.put("test-org/corrupt@" + SERVED_COMMIT,
                    List.of(parquet("data/test-00000-of-00001.parquet", sample.subList(0, 2), true)));
            Map<String, RepoFile> blobs = new HashMap<>();
            trees.values().forEach(files -> files.forEach(f -> blobs.put(sha256(f.local()), f)));

            // The file store, on its own port like the hub's CDN: it must never see the hub token.
            store = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            store.createContext("/blobs/", exchange -> {
                lastStoreAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                STORE_DOWNLOADS.incrementAndGet();
                RepoFile file = blobs.get(exchange.getRequestURI().getPath().substring("/blobs/".length()));
                if (file == null) {
                    send(exchange, 404, "{\"error\":\"no such blob\"}");
                    return;
                }
                byte[] bytes = Files.readAllBytes(file.local());
                if (file.corrupt()) {
                    bytes[bytes.length / 2] ^= 0x5a;
                }
                exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            store.start();
            String storeBase = "http://127.0.0.1:" + store.getAddress().getPort();

            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/api/datasets/", exchange -> {
                lastHubAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                // /api/datasets/{owner}/{name}/revision/{revision} or /api/datasets/{owner}/{name}/tree/{revision}
                String[] parts = exchange.getRequestURI().getPath().split("/");
                String dataset = parts[3] + "/" + parts[4];
                String revision = parts[6];
                if (!datasets.containsKey(dataset)) {
                    send(exchange, 404, "{\"error\":\"Repository not found\"}");
                } else if (parts[5].equals("tree")) {
                    tree(exchange, trees.get(dataset + "@" + revision));
                } else if (revision.equals("main") || revision.equals(SERVED_COMMIT)) {
                    send(exchange, 200, "{\"id\":\"" + dataset + "\",\"sha\":\"" + SERVED_COMMIT + "\"}");
                } else if (revision.equals(OLD_COMMIT) || revision.equals("v0")) {
                    send(exchange, 200, "{\"id\":\"" + dataset + "\",\"sha\":\"" + OLD_COMMIT + "\"}");
                } else {
                    send(exchange, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}");
                }
            });
            server.createContext("/datasets/", exchange -> {
                lastHubAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                // /datasets/{owner}/{name}/resolve/{revision}/{path...}: redirects to the file store.
                String[] parts = exchange.getRequestURI().getPath().split("/", 7);
                List<RepoFile> files = trees.get(parts[2] + "/" + parts[3] + "@" + parts[5]);
                RepoFile file = files == null ? null
                        : files.stream().filter(f -> f.path().equals(parts[6])).findFirst().orElse(null);
                if (file == null) {
                    send(exchange, 404, "{\"error\":\"Entry not found\"}");
                    return;
                }
                exchange.getResponseHeaders().add("Location", storeBase + "/blobs/" + sha256(file.local()));
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
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
        // PATH stands in for the token variable: every process has it, so the token's path is exercised
        // (sent to the hub, never to the file store) without a real secret.
        return Map.of("cares.hub.endpoint", base, "cares.hub.viewer-endpoint", base, "cares.hub.page-size", "25",
                "cares.hub.token-env", "PATH");
    }

    private RepoFile parquet(String path, List<JsonNode> rows, boolean corrupt) throws IOException {
        Path local = Files.createTempFile(filesDir, "repo-", ".parquet");
        Files.delete(local);
        try {
            ParquetFiles.write(local, rows);
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return new RepoFile(path, local, corrupt);
    }

    private RepoFile text(String path, String content) throws IOException {
        Path local = Files.createTempFile(filesDir, "repo-", ".txt");
        Files.writeString(local, content);
        return new RepoFile(path, local, false);
    }

    /** The tree API: files with size and LFS SHA-256 (Parquet is stored in LFS), two entries a page. */
    private static void tree(HttpExchange exchange, List<RepoFile> files) throws IOException {
        if (files == null) {
            send(exchange, 404, "{\"error\":\"Invalid rev id\"}");
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        int cursor = query != null && query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
        ArrayNode page = JSON.createArrayNode();
        page.addObject().put("type", "directory").put("path", "data").put("oid", "0000");
        for (int i = cursor; i < Math.min(files.size(), cursor + 2); i++) {
            RepoFile file = files.get(i);
            ObjectNode entry = page.addObject().put("type", "file").put("path", file.path())
                    .put("size", Files.size(file.local())).put("oid", sha256(file.local()).substring(0, 40));
            if (file.path().endsWith(".parquet")) {
                entry.putObject("lfs").put("oid", sha256(file.local())).put("size", Files.size(file.local()))
                        .put("pointerSize", 134);
            }
        }
        if (cursor + 2 < files.size()) {
            exchange.getResponseHeaders().add("Link", "<" + exchange.getRequestURI().getPath()
                    + "?recursive=true&cursor=" + (cursor + 2) + ">; rel=\"next\"");
        }
        send(exchange, 200, page.toString());
    }

    private static String sha256(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        if (store != null) {
            store.stop(0);
        }
        if (filesDir != null) {
            try (var files = Files.list(filesDir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(filesDir);
            } catch (IOException e) {
                // Temporary files of a test run; the OS cleans the rest.
            }
        }
    }
}
