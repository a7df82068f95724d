package io.caresstream.providers;

import java.time.Duration;
import java.util.Optional;

/**
 * How a model may be called: its rate limits (requests and tokens per minute, for all instances of the
 * model together) and the backoff between retries (exponential from the first delay up to the cap, with
 * jitter; a longer Retry-After from the provider wins).
 */
public record CallPolicy(Optional<Integer> requestsPerMinute, Optional<Integer> tokensPerMinute,
                         Duration firstRetryDelay, Duration maxRetryDelay) {

    public static final CallPolicy DEFAULT = new CallPolicy(Optional.empty(), Optional.empty(),
            Duration.ofMillis(500), Duration.ofSeconds(30));

    public CallPolicy {
        requestsPerMinute.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("requests-per-minute must be at least 1, got " + n);
        });
        tokensPerMinute.filter(n -> n < 1).ifPresent(n -> {
            throw new IllegalArgumentException("tokens-per-minute must be at least 1, got " + n);
        });
        if (firstRetryDelay.isNegative() || maxRetryDelay.compareTo(firstRetryDelay) < 0) {
            throw new IllegalArgumentException("retry delays must satisfy 0 <= first <= max");
        }
    }
}
