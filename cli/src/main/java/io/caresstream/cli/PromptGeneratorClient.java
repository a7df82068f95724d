package io.caresstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String token;
    private final PrintWriter progress;

    /** @param token the bearer token sent with every call, or null to send none */
    PromptGeneratorClient(String baseUrl, String token, PrintWriter progress) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
        this.progress = progress;
    }

    Answer get(String path) {
        return send("GET", base.resolve(path), null, "GET " + path);
    }

    Answer post(String path, Object body) {
        return send("POST", base.resolve(path), json(body), "POST " + path);
    }

    /** Uploads a suite file with its options (see {@link SuiteUpload}). */
    Answer upload(String path, java.nio.file.Path file, Object options) throws java.io.FileNotFoundException {
        SuiteUpload upload = new SuiteUpload(file, options);
        return send("POST", upload.address(base.resolve(path)), upload, "POST " + path);
    }

    Answer put(String path, Object body) {
        return send("PUT", base.resolve(path), json(body), "PUT " + path);
    }

    Answer delete(String path) {
        return send("DELETE", base.resolve(path), null, "DELETE " + path);
    }

    private static HttpExchange.Body json(Object body) {
        try {
            return HttpExchange.Body.of("application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the request as JSON", e);
        }
    }

    /** The call runs on a thread of its own so that a long one (an import publishing) shows the seconds waited. */
    private Answer send(String method, URI uri, HttpExchange.Body body, String what) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        ExecutorService caller = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cares-http");
            thread.setDaemon(true);
            return thread;
        });
        Future<HttpExchange.Reply> call = caller.submit(() -> HttpExchange.send(method, uri, headers, body, CONNECT_TIMEOUT));
        caller.shutdown();
        long started = System.nanoTime();
        try {
            while (true) {
                try {
                    HttpExchange.Reply reply = call.get(2, TimeUnit.SECONDS);
                    if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2)) {
                        progress.print("\r\033[K");
                        progress.flush();
                    }
                    String text = reply.body();
                    JsonNode answer = text.isBlank() ? NullNode.getInstance() : parse(text);
                    return new Answer(reply.status(), explained(reply.status(), answer));
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

    /** A 401, 403 or 413 says what to do about it (the server's own answer names no reason). */
    private JsonNode explained(int status, JsonNode body) {
        if (body.hasNonNull("error") || (status != 401 && status != 403 && status != 413)) {
            return body;
        }
        String reason = status == 413
                ? "the upload is larger than the prompt-generator accepts (its CARES_MAX_UPLOAD, 256M by"
                        + " default); split the file or raise the limit"
                : status == 401
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
