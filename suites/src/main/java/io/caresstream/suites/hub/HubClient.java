package io.caresstream.suites.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub's HTTP interfaces: the hub API resolves a revision to its commit and lists the
 * files of a commit, which are downloaded through the resolve endpoint (following the redirect to the
 * file store); the dataset viewer's rows API serves the current commit's split page by page. Endpoints are settings (like HF_ENDPOINT), so the same
 * code runs against the real services or a local one; the token comes from an environment variable
 * and is sent only as a bearer header, never logged or reported. Transient failures (429, 5xx, I/O, a
 * short download) are retried with exponential backoff and jitter by Resilience4j, the project's one retry
 * library, so the retries hold wherever the client is built (a service or the training command).
 */
public class HubClient {

    /** Attempts of one call, the first included. */
    public static final int MAX_ATTEMPTS = 4;

    /** A failure worth another try (429, 5xx, I/O). */
    public static class TransientHubException extends RuntimeException {
        TransientHubException(String message) {
            super(message);
        }
    }

    /** A file of a data set at a commit, as the hub lists it; sha256 is the LFS object id when the file is in LFS. */
    public record HubFile(String path, long size, Optional<String> sha256) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

    // Redirects are followed by hand, so the token never travels to another host (the file store).
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String hubEndpoint;
    private final String viewerEndpoint;
    private final Optional<String> token;

    private final Retry retry;

    /** The token is read from the environment variable tokenEnv (HF_TOKEN by default). */
    public HubClient(String hubEndpoint, String viewerEndpoint, String tokenEnv) {
        this(hubEndpoint, viewerEndpoint, tokenEnv, Duration.ofMillis(500));
    }

    /** firstRetryDelay doubles at each further attempt, with 20% jitter. */
    public HubClient(String hubEndpoint, String viewerEndpoint, String tokenEnv, Duration firstRetryDelay) {
        this.hubEndpoint = trimSlash(hubEndpoint);
        this.viewerEndpoint = trimSlash(viewerEndpoint);
        this.token = Optional.ofNullable(System.getenv(tokenEnv)).filter(t -> !t.isBlank());
        this.retry = Retry.of("hub " + this.hubEndpoint, RetryConfig.custom()
                .maxAttempts(MAX_ATTEMPTS)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstRetryDelay, 2, 0.2))
                .retryExceptions(TransientHubException.class)
                .build());
    }

    private <T> T retried(Supplier<T> call) {
        return retry.executeSupplier(call);
    }

    /** The commit a branch, tag or commit id of a data set stands for. */
    public String resolveRevision(String dataset, String revision) {
        JsonNode info = retried(() -> get(hubEndpoint + "/api/datasets/" + dataset + "/revision/" + encode(revision),
                "data set " + dataset + " revision " + revision));
        String sha = info.path("sha").asText("");
        if (sha.isEmpty()) {
            throw new IllegalStateException("the hub gave no commit for " + dataset + " revision " + revision);
        }
        return sha;
    }

    /** One page of the viewer's rows API: {"rows": [{"row_idx": n, "row": {...}}], "num_rows_total": N}. */
    public JsonNode rows(String dataset, String config, String split, long offset, int length) {
        return retried(() -> get(viewerEndpoint + "/rows?dataset=" + encode(dataset) + "&config=" + encode(config)
                + "&split=" + encode(split) + "&offset=" + offset + "&length=" + length, "rows of " + dataset + "/" + split));
    }

    /** Every file of the data set at the commit (the tree API, followed page by page). */
    public List<HubFile> files(String dataset, String commit) {
        return retried(() -> listFiles(dataset, commit));
    }

    private List<HubFile> listFiles(String dataset, String commit) {
        List<HubFile> files = new ArrayList<>();
        String url = hubEndpoint + "/api/datasets/" + dataset + "/tree/" + encode(commit) + "?recursive=true";
        while (url != null) {
            HttpResponse<String> response = send(url, HttpResponse.BodyHandlers.ofString(), "files of " + dataset);
            checkStatus(response.statusCode(), "files of " + dataset + " at " + commit);
            JsonNode entries = parse(response.body(), "files of " + dataset);
            for (JsonNode entry : entries) {
                if ("file".equals(entry.path("type").asText())) {
                    JsonNode lfs = entry.path("lfs");
                    files.add(new HubFile(entry.path("path").asText(), entry.path("size").asLong(-1),
                            lfs.isObject() ? Optional.of(lfs.path("oid").asText()) : Optional.empty()));
                }
            }
            url = response.headers().firstValue("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> URI.create(hubEndpoint + "/").resolve(m.group(1)).toString()).orElse(null);
        }
        return files;
    }

    /**
     * Downloads a file of the data set at the commit into target, checking its size and, for LFS files,
     * its SHA-256 against what the hub listed.
     */
    public void download(String dataset, String commit, HubFile file, Path target) {
        retried(() -> {
            downloadOnce(dataset, commit, file, target);
            return null;
        });
    }

    private void downloadOnce(String dataset, String commit, HubFile file, Path target) {
        String what = "hf://datasets/" + dataset + "@" + commit + "/" + file.path();
        String url = hubEndpoint + "/datasets/" + dataset + "/resolve/" + encode(commit) + "/"
                + java.util.Arrays.stream(file.path().split("/")).map(s -> encode(s).replace("+", "%20"))
                .collect(java.util.stream.Collectors.joining("/"));
        HttpResponse<Path> response = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            response = send(url, HttpResponse.BodyHandlers.ofFile(target), what);
            int status = response.statusCode();
            if (status < 300 || status >= 400) {
                break;
            }
            String location = response.headers().firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException(what + ": redirect without a location"));
            url = URI.create(url).resolve(location).toString();
        }
        checkStatus(response.statusCode(), what);
        try {
            long size = Files.size(target);
            if (file.size() >= 0 && size != file.size()) {
                throw new TransientHubException(what + ": downloaded " + size + " bytes, the hub lists " + file.size());
            }
            if (file.sha256().isPresent()) {
                String actual = HexFormat.of().formatHex(sha256(target));
                if (!actual.equalsIgnoreCase(file.sha256().get())) {
                    throw new IllegalStateException(what + ": SHA-256 " + actual + " differs from the hub's "
                            + file.sha256().get() + "; the download is corrupt");
                }
            }
        } catch (IOException e) {
            throw new TransientHubException(what + ": " + e.getMessage());
        }
    }

    private static byte[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> HttpResponse<T> send(String url, HttpResponse.BodyHandler<T> body, String what) {
        URI uri = URI.create(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(300)).GET();
        // The token goes to the hub and the viewer only, never to a host a redirect points at.
        if (uri.getRawAuthority().equals(URI.create(hubEndpoint).getRawAuthority())
                || uri.getRawAuthority().equals(URI.create(viewerEndpoint).getRawAuthority())) {
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        }
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw new TransientHubException(what + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + what, e);
        }
    }

    private JsonNode get(String url, String what) {
        HttpResponse<String> response = send(url, HttpResponse.BodyHandlers.ofString(), what);
        checkStatus(response.statusCode(), what);
        return parse(response.body(), what);
    }

    private static void checkStatus(int status, String what) {
        if (status == 429 || status >= 500) {
            throw new TransientHubException(what + ": HTTP " + status);
        }
        if (status == 401 || status == 403) {
            throw new IllegalStateException(what + ": HTTP " + status + " (a gated or private data set needs a token"
                    + " in the variable named by cares.hub.token-env)");
        }
        if (status == 404) {
            throw new IllegalArgumentException(what + ": not found (HTTP 404)");
        }
        if (status != 200) {
            throw new IllegalStateException(what + ": HTTP " + status);
        }
    }

    private static JsonNode parse(String body, String what) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(what + ": the answer is not JSON", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
