package io.caresstream.providers;

/** A provider call that failed; the message is safe to log and to publish (no secrets). */
public class ProviderException extends RuntimeException {

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Describes a failure in at most 500 characters with every occurrence of the secret masked,
     * since provider errors sometimes echo request headers.
     */
    public static ProviderException of(Throwable failure, String secret) {
        String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        if (secret != null && !secret.isEmpty()) {
            text = text.replace(secret, "***");
        }
        if (text.length() > 500) {
            text = text.substring(0, 500) + "...";
        }
        return new ProviderException(text, null);
    }
}
