package io.caresstream.events.work;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A call that waits for room it never gets would hang, not fail: each test has a bound. */
@Timeout(10)
class UnloggedCallsTest {

    @Test
    void callsWithRoomDoNotHurryTheResults() throws InterruptedException {
        AtomicInteger hurried = new AtomicInteger();
        UnloggedCalls calls = new UnloggedCalls(2, hurried::incrementAndGet);
        for (int i = 0; i < 8; i++) {
            calls.beforeCall();
        }
        assertEquals(8, calls.held(), "four times the concurrency");
        assertEquals(0, hurried.get(), "results share a request while there is room");
    }

    @Test
    void aCallWithoutRoomHasTheResultsSentAndGoesOnOnceOneIsAcknowledged() throws InterruptedException {
        AtomicInteger hurried = new AtomicInteger();
        UnloggedCalls[] calls = new UnloggedCalls[1];
        // What a flush does here: the broker acknowledges a result, and its call is settled.
        calls[0] = new UnloggedCalls(1, () -> {
            hurried.incrementAndGet();
            calls[0].settled();
        });
        for (int i = 0; i < 4; i++) {
            calls[0].beforeCall();
        }
        calls[0].beforeCall();
        assertEquals(1, hurried.get());
        assertEquals(4, calls[0].held());
    }

    @Test
    void anInterruptedHurryTakesNoRoom() throws InterruptedException {
        UnloggedCalls calls = new UnloggedCalls(1, () -> {
            throw new InterruptedException("stopping");
        });
        for (int i = 0; i < 4; i++) {
            calls.beforeCall();
        }
        assertThrows(InterruptedException.class, calls::beforeCall);
        assertEquals(4, calls.held());
        calls.settled();
        calls.beforeCall();
        assertEquals(4, calls.held(), "room freed by a settled call is taken without hurrying");
    }
}
