package io.caresstream.promptgenerator.messaging;

/**
 * Publishing stopped part way (broker or registry failure): says how many prompts were acknowledged
 * before it did, so a half-published import is always reported. Re-running the same import is safe:
 * prompts keep their ids, so those already published replace themselves downstream.
 */
public class PublishFailedException extends RuntimeException {

    private final long published;
    private final long total;

    public PublishFailedException(long published, long total, Throwable cause) {
        super("publishing stopped after " + published + " of " + total + " prompts were acknowledged: "
                + cause.getMessage() + "; re-run the same import to publish the rest (published prompts keep their ids,"
                + " so nothing is counted twice)", cause);
        this.published = published;
        this.total = total;
    }

    public long published() {
        return published;
    }

    public long total() {
        return total;
    }
}
