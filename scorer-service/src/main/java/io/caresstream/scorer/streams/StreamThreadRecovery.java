package io.caresstream.scorer.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a stream thread's failure does to the scorer. Kafka Streams' default stops the whole client for good
 * (state ERROR), so a broker that went away mid-commit and came back (the transaction it held then refused with
 * InvalidTxnStateException) left the scores frozen until someone restarted the process. An error the broker or
 * the connection caused is passing: the thread is replaced, its tasks close dirty and, under exactly-once, resume
 * from the last committed transaction, so nothing is lost or counted twice. Any other error (the scorer's own
 * code, an unreadable store) would fail again on the same record, so the client stops and the liveness check
 * (Quarkus' Kafka Streams state check) reports it down for the orchestrator to restart. So does a broker error
 * that keeps coming back: more than {@code limit} replacements within {@code window}.
 * <p>
 * The Quarkus extension installs the one CDI bean of this type before the streams start.
 */
@ApplicationScoped
public class StreamThreadRecovery implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(StreamThreadRecovery.class);

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Deque<Instant> replacements = new ArrayDeque<>();
    private long replaced;

    @Inject
    public StreamThreadRecovery(@ConfigProperty(name = "cares.scorer.thread-replacement.limit") int limit,
                                @ConfigProperty(name = "cares.scorer.thread-replacement.window") Duration window) {
        this(limit, window, Clock.systemUTC());
    }

    StreamThreadRecovery(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        if (!fromTheBroker(exception)) {
            LOG.errorf("a stream thread failed on an error that would recur; the scorer stops: %s", exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Instant now = clock.instant();
        while (!replacements.isEmpty() && replacements.peekFirst().isBefore(now.minus(window))) {
            replacements.removeFirst();
        }
        if (replacements.size() >= limit) {
            LOG.errorf("a stream thread failed %d times within %s; the scorer stops: %s", limit + 1, window, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        replaced++;
        LOG.warnf("a stream thread failed on a broker or connection error and is replaced (%d so far): %s",
                replaced, rootCause(exception));
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** How many stream threads were replaced since the start. */
    public synchronized long replaced() {
        return replaced;
    }

    /**
     * Whether the broker returned the error or the connection to it failed, somewhere in the causes (Kafka Streams
     * wraps it): {@link ApiException} holds both, timeouts and disconnections being its retriable kind.
     */
    static boolean fromTheBroker(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ApiException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
