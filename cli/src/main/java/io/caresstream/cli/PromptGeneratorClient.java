package io.caresstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls the prompt-generator's REST API; while a long call runs, the seconds waited are shown on stderr. */
final class PromptGeneratorClient {

    /** An answer: its HTTP status and JSON body (NullNode when there is none). */
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The server's reason for a refusal, or the status. */
        String error() {
            return body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + status;
        }
    }

    /** The prompt-generator cannot be reached at all. */
    static final class UnreachableException extends RuntimeException {
        UnreachableException(String message) {
            super(message);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final PrintWriter progress;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param token the bearer token sent with every call, or null to send none */
    PromptGeneratorClient(String baseUrl, String token, PrintWriter progress) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
        this.progress = progress;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), "GET " + path);
    }

    Answer post(String path, Object body) {
        return send(json(base.resolve(path), body).POST(bodyOf(body)), "POST " + path);
    }

    /** Uploads a suite file with its options (see {@link SuiteUpload}). */
    Answer upload(String path, java.nio.file.Path file, Object options) throws java.io.FileNotFoundException {
        return send(new SuiteUpload(file, options).post(base.resolve(path)), "POST " + path);
    }

    Answer put(String path, Object body) {
        return send(json(base.resolve(path), body).PUT(bodyOf(body)), "PUT " + path);
    }

    Answer delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), "DELETE " + path);
    }

    private static HttpRequest.Builder json(URI uri, Object body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json");
    }

    private static HttpRequest.BodyPublisher bodyOf(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request as JSON", e);
        }
    }

    private Answer send(HttpRequest.Builder request, String what) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(
                request.header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        long started = System.nanoTime();
        try {
            while (true) {
                try {
                    HttpResponse<String> response = call.get(2, TimeUnit.SECONDS);
                    if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2)) {
                        progress.print("\r\033[K");
                        progress.flush();
                    }
                    String text = response.body();
                    JsonNode body = text == null || text.isBlank() ? NullNode.getInstance() : parse(text);
                    return new Answer(response.statusCode(), explained(response.statusCode(), body));
                } catch (TimeoutException e) {
                    progress.printf("\r%s: working... %d s", what, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                    progress.flush();
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new UnreachableException("cannot reach the prompt-generator at " + base
                        + " (is it running? ./deploy/run-local.sh starts one; --url or CARES_PROMPT_GENERATOR_URL point elsewhere)");
            }
            throw new UnreachableException(what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException(what + " interrupted");
        }
    }

    /** A 401 or 403 says what to do about it (the server's own answer names no reason). */
    private JsonNode explained(int status, JsonNode body) {
        if (body.hasNonNull("error") || (status != 401 && status != 403)) {
            return body;
        }
        String reason = status == 401
                ? (token == null ? "no token was sent" : "the token was not accepted (expired, or signed by another key)")
                        + "; set CARES_TOKEN or CARES_TOKEN_FILE (./deploy/run-local.sh writes .run-local/auth/operator.jwt)"
                : "the token's role may not do this (imports, variants and schedules need the operator role)";
        return JSON.createObjectNode().put("error", reason);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            // Not JSON (e.g. an HTML error page): keep the text as the reason.
            return JSON.createObjectNode().put("error", text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }
}
