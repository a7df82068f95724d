package io.caresstream.providers;

/** A provider call that failed; the message is safe to log and to publish (no secrets). */
public class ProviderException extends RuntimeException {

    /** What the failure means for the caller. */
    public enum Kind {
        /** Rate limits, server errors, timeouts, malformed answers: retried, and still failing after the budget. */
        TRANSIENT,
        /** The provider refused this request (e.g. 400, too long): another prompt may work. */
        REJECTED,
        /**
         * The provider's safety filter blocked the prompt or the answer ({@link BlockedByProvider}): the model as
         * deployed refused. Not retried, and not an error of the call.
         */
        BLOCKED,
        /**
         * Will not heal by retrying: the key is refused (401, 403), the model or endpoint does not exist (404),
         * or the server cannot be reached at all. Every further call would fail the same way.
         */
        FATAL
    }

    private final Kind kind;
    private final int attempts;

    public ProviderException(Kind kind, String message, int attempts) {
        super(message, null);
        this.kind = kind;
        this.attempts = attempts;
    }

    public Kind kind() {
        return kind;
    }

    /** Calls made before giving up. */
    public int attempts() {
        return attempts;
    }

    /**
     * Describes a failure in at most 500 characters with every occurrence of the secret masked,
     * since provider errors sometimes echo request headers.
     */
    public static ProviderException of(Throwable failure, String secret) {
        return of(Kind.TRANSIENT, failure.getClass().getSimpleName() + ": " + failure.getMessage(), 1, secret);
    }

    static ProviderException of(Kind kind, String text, int attempts, String secret) {
        if (secret != null && !secret.isEmpty()) {
            text = text.replace(secret, "***");
        }
        if (text.length() > 500) {
            text = text.substring(0, 500) + "...";
        }
        return new ProviderException(kind, text, attempts);
    }
}
