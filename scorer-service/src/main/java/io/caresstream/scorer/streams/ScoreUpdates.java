package io.caresstream.scorer.streams;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter the topology bumps whenever a figure changes, so the live dashboard recomputes its views
 * only when there is something new (and at most once per tick, however many judgments arrived).
 */
@ApplicationScoped
public class ScoreUpdates {

    private final AtomicLong version = new AtomicLong();

    /** Marks a change. */
    void changed() {
        version.incrementAndGet();
    }

    public long version() {
        return version.get();
    }
}
