package io.caresstream.scorer.streams;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StreamThreadRecoveryTest {

    private Instant now = Instant.parse("2026-12-03T09:00:00Z");
    private final StreamThreadRecovery recovery = new StreamThreadRecovery(3, Duration.ofMinutes(10), new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    private static StreamsException commitRefused() {
        return new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void aBrokerOrConnectionErrorReplacesTheThread() {
        assertEquals(REPLACE_THREAD, recovery.handle(commitRefused()));
        assertEquals(REPLACE_THREAD, recovery.handle(new StreamsException(new TimeoutException("no broker"))));
        assertEquals(2, recovery.replaced());
    }

    @Test
    void anErrorThatWouldRecurStopsTheStreams() {
        assertEquals(SHUTDOWN_CLIENT, recovery.handle(new StreamsException("processing", new NullPointerException())));
        assertEquals(SHUTDOWN_CLIENT, recovery.handle(new StreamsException(new SerializationException("bad record"))));
        assertEquals(SHUTDOWN_CLIENT, recovery.handle(new IllegalStateException("store")));
        assertEquals(0, recovery.replaced());
    }

    @Test
    void aBrokerErrorThatKeepsComingBackStopsTheStreamsOnceTheLimitIsSpent() {
        for (int i = 0; i < 3; i++) {
            now = now.plusSeconds(60);
            assertEquals(REPLACE_THREAD, recovery.handle(commitRefused()), "replacement " + (i + 1));
        }
        now = now.plusSeconds(60);
        assertEquals(SHUTDOWN_CLIENT, recovery.handle(commitRefused()), "a fourth within ten minutes");

        now = now.plus(Duration.ofMinutes(9)); // the first two replacements leave the window
        assertEquals(REPLACE_THREAD, recovery.handle(commitRefused()));
        assertEquals(4, recovery.replaced());
    }
}
