package io.caresstream.providers;

/** A model's price in US dollars per million input and output tokens (0 when free or unknown). */
public record Price(double inputPerMillion, double outputPerMillion) {

    public static final Price FREE = new Price(0, 0);

    public Price {
        if (inputPerMillion < 0 || outputPerMillion < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000d;
    }
}
