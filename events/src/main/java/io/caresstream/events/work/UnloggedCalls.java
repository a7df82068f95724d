package io.caresstream.events.work;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Provider calls billed (or under way) whose results are not on the log yet: what a killed instance loses after
 * the provider billed it, and its successor pays for again. A call's worker is free as soon as the call returns,
 * so while the broker is slow to acknowledge (a Kafka node lost, a throttled client) the results would pile up
 * unbounded; held to four times the concurrency, the next call waits for the log instead. Four, not two: a
 * provider that answers faster than the broker acknowledges needs more than one answer unacknowledged per call
 * slot (twice the concurrency cut the 0 ms end-to-end benchmark's rate by 8-14%; four times left it as it was).
 * A provider slower than the broker's acknowledgements never waits.
 * <p>
 * A call that finds no room for a while has the results that hold it sent at once ({@link Hurry}): they may only
 * be waiting out the producer's {@code linger.ms}, and a fast provider then waited on the linger, not on the log
 * (8 workers and 100 ms of linger: about 280 calls a second against a provider answering in 4 ms).
 */
public final class UnloggedCalls {

    /** Sends the results waiting to share a request now, so that their acknowledgements come sooner. */
    @FunctionalInterface
    public interface Hurry {
        void now() throws InterruptedException;
    }

    /**
     * How long a call waits for room before it has the results sent: room that frees within it came from the
     * broker's acknowledgements, not the linger, and a flush then only splits the batches. Shorter than the results'
     * linger (100 ms), longer than the broker's acknowledgement on a busy machine.
     */
    static final long PATIENCE_MS = 20;

    private final Semaphore room;
    private final int limit;
    private final Hurry hurry;
    /** One flush at a time: while one is under way the producer sends every new result at once, so more add nothing. */
    private final AtomicBoolean hurrying = new AtomicBoolean();

    /**
     * @param concurrency the calls in flight at once (the worker pool's size)
     * @param hurry       what sends the results not acknowledged yet at once: the results' producer's flush
     */
    public UnloggedCalls(int concurrency, Hurry hurry) {
        this.limit = 4 * concurrency;
        this.room = new Semaphore(limit);
        this.hurry = hurry;
    }

    /**
     * Before a call: waits while the limit's worth of calls are under way or unacknowledged, having the results
     * that hold the room sent at once.
     */
    public void beforeCall() throws InterruptedException {
        if (room.tryAcquire(PATIENCE_MS, TimeUnit.MILLISECONDS)) {
            return;
        }
        if (hurrying.compareAndSet(false, true)) {
            try {
                hurry.now();
            } finally {
                hurrying.set(false);
            }
        }
        room.acquire();
    }

    /** The call's result is on the log, or will never be (the call or its publication failed). */
    public void settled() {
        room.release();
    }

    /** Calls under way or unacknowledged now. */
    public int held() {
        return limit - room.availablePermits();
    }
}
