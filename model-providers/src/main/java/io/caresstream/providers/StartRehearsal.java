package io.caresstream.providers;

import org.jboss.logging.Logger;

/**
 * The rehearsal a model-invoker or an LLM judge makes as it starts ({@link ChatClients#rehearse}): its two
 * settings, checked so that a wrong value stops the start naming the setting, and what it logs.
 */
public final class StartRehearsal {

    public static final String CALLS = "cares.rehearsal.calls";
    public static final String IN_FLIGHT = "cares.rehearsal.in-flight";
    /**
     * Enough calls that the call's path is compiled before the first prompt (alone, calls after 2,000 rehearsed
     * cost what warm ones do; after 256 the next 500 still cost four to five times that), although the JIT raises its
     * thresholds while its queue is long at start (docs/performance.md, "A longer rehearsal").
     */
    public static final String DEFAULT_CALLS = "2000";
    public static final String DEFAULT_IN_FLIGHT = "8";

    private static final Logger LOG = Logger.getLogger(StartRehearsal.class);

    private StartRehearsal() {
    }

    /**
     * @param who what the log lines name, e.g. "model gpt@1"
     * @return whether the calls were rehearsed (false when turned off, or when they failed: only a head start)
     * @throws IllegalArgumentException naming the setting, when {@code calls} is negative or {@code inFlight} below 1
     */
    public static boolean run(String who, ChatModelSpec spec, int calls, int inFlight) {
        if (calls < 0) {
            throw new IllegalArgumentException(CALLS + " (CARES_REHEARSAL_CALLS) must be 0 (no rehearsal) or more, got "
                    + calls);
        }
        if (inFlight < 1) {
            throw new IllegalArgumentException(IN_FLIGHT + " (CARES_REHEARSAL_IN_FLIGHT) must be 1 or more, got "
                    + inFlight);
        }
        if (calls == 0) {
            return false;
        }
        long started = System.nanoTime();
        try {
            ChatClients.rehearse(spec, calls, inFlight);
            LOG.infof("%s: %d calls rehearsed on a loopback server in %d ms", who, calls,
                    (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (RuntimeException | LinkageError e) {
            // Only a head start: a runtime without the JDK's HTTP server (a trimmed image) still serves.
            LOG.warnf("%s: the rehearsal calls failed (%s); the first calls may be slower", who, e.getMessage());
            return false;
        }
    }
}
