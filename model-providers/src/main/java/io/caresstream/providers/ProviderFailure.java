package io.caresstream.providers;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

/**
 * What a failed provider call means: whether to retry it, how long the provider asked us to wait, and
 * whether retrying can ever help. Looks through LangChain4j's wrapping to the HTTP status or I/O cause.
 */
record ProviderFailure(ProviderException.Kind kind, boolean retryable, Optional<Duration> retryAfter, String reason) {

    static ProviderFailure of(Throwable failure) {
        Optional<ProviderBlocks.Block> block = block(failure);
        if (block.isPresent()) {
            // The model as deployed refused: the same prompt would be refused again.
            return new ProviderFailure(ProviderException.Kind.BLOCKED, false, Optional.empty(), block.get().reason());
        }
        // The HTTP answer first, wherever LangChain4j wrapped it: it says the most.
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderHttpClient.StatusException status) {
                return ofStatus(status.statusCode(), status.retryAfter(), status.getMessage());
            }
            if (t instanceof HttpException http) {
                return ofStatus(http.statusCode(), Optional.empty(), http.getMessage());
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationException) {
                return new ProviderFailure(ProviderException.Kind.FATAL, false, Optional.empty(),
                        "the provider refused the API key: " + t.getMessage());
            }
            if (t instanceof ModelNotFoundException) {
                return new ProviderFailure(ProviderException.Kind.FATAL, false, Optional.empty(),
                        "model not found: " + t.getMessage());
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                // Retried like any I/O failure; if it lasts the whole budget the server is not there at all.
                return new ProviderFailure(ProviderException.Kind.FATAL, true, Optional.empty(),
                        "cannot reach the model server (" + t.getClass().getSimpleName() + ")");
            }
            if (t instanceof SocketTimeoutException) {
                return new ProviderFailure(ProviderException.Kind.TRANSIENT, true, Optional.empty(), "timed out");
            }
        }
        // Anything else, e.g. a body that is not the provider's JSON: worth another try, then an error response.
        return new ProviderFailure(ProviderException.Kind.TRANSIENT, true, Optional.empty(),
                "unexpected answer: " + failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /** The provider's safety block behind a failure, wherever LangChain4j wrapped it. */
    static Optional<ProviderBlocks.Block> block(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderBlocks.BlockedAnswer blocked) {
                return Optional.of(blocked.block());
            }
        }
        return Optional.empty();
    }

    private static ProviderFailure ofStatus(int status, Optional<Duration> retryAfter, String body) {
        String reason = "HTTP " + status + ": " + firstLine(body);
        if (status == 429 || status == 408 || status >= 500) {
            return new ProviderFailure(ProviderException.Kind.TRANSIENT, true, retryAfter, reason);
        }
        if (status == 401 || status == 403) {
            return new ProviderFailure(ProviderException.Kind.FATAL, false, Optional.empty(),
                    "the provider refused the API key (" + reason + ")");
        }
        if (status == 404) {
            return new ProviderFailure(ProviderException.Kind.FATAL, false, Optional.empty(),
                    "model or endpoint not found; check base-url and model-name (" + reason + ")");
        }
        return new ProviderFailure(ProviderException.Kind.REJECTED, false, Optional.empty(), reason);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.lines().findFirst().orElse("").trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
