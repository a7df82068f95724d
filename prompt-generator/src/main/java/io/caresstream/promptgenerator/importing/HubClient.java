package io.caresstream.promptgenerator.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The Hugging Face hub's HTTP interfaces: the hub API resolves a revision to its commit, and the dataset
 * viewer's rows API serves a split page by page. Endpoints are settings (like HF_ENDPOINT), so the same
 * code runs against the real services or a local one; the token comes from an environment variable
 * and is sent only as a bearer header, never logged or reported.
 */
@ApplicationScoped
public class HubClient {

    /** A failure worth another try (429, 5xx, I/O). */
    public static class TransientHubException extends RuntimeException {
        TransientHubException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String hubEndpoint;
    private final String viewerEndpoint;
    private final Optional<String> token;

    public HubClient(@ConfigProperty(name = "cares.hub.endpoint") String hubEndpoint,
                     @ConfigProperty(name = "cares.hub.viewer-endpoint") String viewerEndpoint,
                     @ConfigProperty(name = "cares.hub.token-env") String tokenEnv) {
        this.hubEndpoint = trimSlash(hubEndpoint);
        this.viewerEndpoint = trimSlash(viewerEndpoint);
        this.token = Optional.ofNullable(System.getenv(tokenEnv)).filter(t -> !t.isBlank());
    }

    /** The commit a branch, tag or commit id of a data set stands for. */
    @Retry(maxRetries = 3, delay = 500, jitter = 200, delayUnit = ChronoUnit.MILLIS, retryOn = TransientHubException.class)
    public String resolveRevision(String dataset, String revision) {
        JsonNode info = get(hubEndpoint + "/api/datasets/" + dataset + "/revision/" + encode(revision),
                "data set " + dataset + " revision " + revision);
        String sha = info.path("sha").asText("");
        if (sha.isEmpty()) {
            throw new IllegalStateException("the hub gave no commit for " + dataset + " revision " + revision);
        }
        return sha;
    }

    /** One page of the viewer's rows API: {"rows": [{"row_idx": n, "row": {...}}], "num_rows_total": N}. */
    @Retry(maxRetries = 3, delay = 500, jitter = 200, delayUnit = ChronoUnit.MILLIS, retryOn = TransientHubException.class)
    public JsonNode rows(String dataset, String config, String split, long offset, int length) {
        return get(viewerEndpoint + "/rows?dataset=" + encode(dataset) + "&config=" + encode(config) + "&split="
                + encode(split) + "&offset=" + offset + "&length=" + length, "rows of " + dataset + "/" + split);
    }

    private JsonNode get(String url, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientHubException(what + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + what, e);
        }
        int status = response.statusCode();
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
        try {
            return JSON.readTree(response.body());
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
