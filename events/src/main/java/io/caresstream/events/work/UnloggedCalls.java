package io.caresstream.events.work;

import java.util.concurrent.Semaphore;

/**
 * Provider calls billed (or under way) whose results are not on the log yet: what a killed instance loses after
 * the provider billed it, and its successor pays for again. A call's worker is free as soon as the call returns,
 * so while the broker is slow to acknowledge (a Kafka node lost, a throttled client) the results would pile up
 * unbounded; held to four times the concurrency, the next call waits for the log instead. Four, not two: a
 * provider that answers faster than the broker acknowledges needs more than one answer unacknowledged per call
 * slot (twice the concurrency cut the 0 ms end-to-end benchmark's rate by 8-14%; four times left it as it was).
 * A provider slower than the broker's acknowledgements never waits.
 */
public final class UnloggedCalls {

    private final Semaphore room;
    private final int limit;

    /** @param concurrency the calls in flight at once (the worker pool's size) */
    public UnloggedCalls(int concurrency) {
        this.limit = 4 * concurrency;
        this.room = new Semaphore(limit);
    }

    /** Before a call: waits while the limit's worth of calls are under way or unacknowledged. */
    public void beforeCall() throws InterruptedException {
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
