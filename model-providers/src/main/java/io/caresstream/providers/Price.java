package io.caresstream.providers;

/** A model's price in US dollars per million input and output tokens (0 when free or unknown). */
public record Price(double inputPerMillion, double outputPerMillion) {

    public static final Price FREE = new Price(0, 0);

    public Price {
        if (inputPerMillion < 0 || outputPerMillion < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /**
     * Whether both prices are 0. Compared field by field, not by {@code equals(FREE)}: a record's generated
     * {@code equals} goes through method handles, which the C1 compiler the services run on does not inline, and it
     * was asked on every call (1% of the model-invoker's CPU at 0 ms, docs/performance.md).
     */
    public boolean isFree() {
        return inputPerMillion == 0 && outputPerMillion == 0;
    }

    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000d;
    }
}
