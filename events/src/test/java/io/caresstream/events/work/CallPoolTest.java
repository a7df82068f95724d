package io.caresstream.events.work;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallPoolTest {

    /** Counts the pool's pauses and resumes. */
    private static final class CountedPause implements CallPool.Pause {
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();

        @Override
        public void pause() {
            pauses.incrementAndGet();
        }

        @Override
        public void resume() {
            resumes.incrementAndGet();
        }
    }

    private final Set<Long> acked = ConcurrentHashMap.newKeySet();

    /** A record of the prompts topic, acknowledged into {@link #acked}. */
    private Message<String> record(int partition, long offset) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("cares.prompts", partition, offset, "k", "v");
        return Message.of("v", () -> {
            acked.add(offset);
            return CompletableFuture.completedFuture(null);
        }).addMetadata(new IncomingKafkaRecordMetadata<>(record, "prompts"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void pausesTheConsumerWhileManyWaitAndResumesAtHalfWithoutEverRunningMoreThanItsThreads() throws Exception {
        CountedPause pause = new CountedPause();
        CallPool pool = new CallPool("test-calls", 2, 8, pause);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Function<Message<String>, CompletionStage<Void>> blockedCall = message -> {
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            atOnce.decrementAndGet();
            return message.ack();
        };
        pool.submit(record(0, 0), blockedCall);
        pool.submit(record(0, 1), blockedCall);
        await(() -> pool.running() == 2, "two calls under way");
        for (int offset = 2; offset < 9; offset++) {
            pool.submit(record(0, offset), blockedCall);
        }
        assertEquals(7, pool.waiting());
        assertEquals(0, pause.pauses.get(), "seven wait: below the high water of eight");

        pool.submit(record(0, 9), blockedCall);
        assertEquals(1, pause.pauses.get(), "eight wait: paused");
        pool.submit(record(0, 10), blockedCall);
        assertEquals(1, pause.pauses.get(), "asked once, not on every message");

        release.countDown();
        await(() -> acked.size() == 11, "every message acknowledged");
        assertEquals(1, pause.resumes.get(), "resumed once, when half had been taken");
        assertEquals(2, mostAtOnce.get());
        // A call's message is acknowledged inside its stage; the count drops when the stage completes, just after.
        await(() -> pool.running() == 0, "no call under way");
        pool.stop(Duration.ofSeconds(1));
    }

    @Test
    void theMessagesOfRevokedPartitionsLeaveUnacknowledgedAndTheOthersAreCalled() throws Exception {
        CountedPause pause = new CountedPause();
        CallPool pool = new CallPool("test-calls", 1, 4, pause);
        CountDownLatch release = new CountDownLatch(1);
        Function<Message<String>, CompletionStage<Void>> call = message -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return message.ack();
        };
        pool.submit(record(0, 0), call);
        await(() -> pool.running() == 1, "the first call under way");
        for (int offset = 1; offset <= 4; offset++) {
            pool.submit(record(offset % 2, offset), call); // 1, 3 on partition 1; 2, 4 on partition 0
        }
        assertEquals(1, pause.pauses.get());

        pool.revoked(List.of(new TopicPartition("cares.prompts", 1)));
        assertEquals(2, pool.waiting(), "partition 1's two left");
        assertEquals(1, pause.resumes.get(), "two waiting, half the high water: resumed");

        release.countDown();
        await(() -> acked.size() == 3, "the call under way and partition 0's");
        assertEquals(Set.of(0L, 2L, 4L), acked, "the revoked partition's messages were never acknowledged");
        pool.stop(Duration.ofSeconds(1));
    }

    @Test
    void aStopWaitsForTheCallsUnderWayAndLeavesTheWaitingOnesUnacknowledged() throws Exception {
        CallPool pool = new CallPool("test-calls", 1, 100, new CountedPause());
        CountDownLatch answered = new CountDownLatch(1);
        pool.submit(record(0, 0), message -> {
            try {
                answered.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return message.ack();
        });
        pool.submit(record(0, 1), Message::ack);
        await(() -> pool.running() == 1 && pool.waiting() == 1, "the first call under way, the second waiting");

        // The call is answered 300 ms into the stop.
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(answered::countDown);
        long started = System.nanoTime();
        pool.stop(Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(Set.of(0L), acked, "the call under way settled; the waiting one is left for the next start");
        assertTrue(tookMillis >= 250 && tookMillis < 5_000, "stopped in " + tookMillis + " ms");
        pool.submit(record(0, 2), Message::ack);
        Thread.sleep(100);
        assertFalse(acked.contains(2L), "nothing is taken once stopped");
    }

    @Test
    void aRecordThatCouldNotBeReadIsRefusedForTheDeadLetterTopicAndNeverCalled() throws Exception {
        CallPool pool = new CallPool("test-calls", 1, 4, new CountedPause());
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        Message<String> unreadable = Message.<String>of(null).withNack(reason -> {
            refused.complete(reason);
            return CompletableFuture.completedFuture(null);
        });
        AtomicInteger called = new AtomicInteger();
        pool.accept(unreadable, "cares.prompts", message -> {
            called.incrementAndGet();
            return message.ack();
        }).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(refused.get(5, TimeUnit.SECONDS).getMessage().contains("cares.prompts"), refused.toString());
        assertEquals(0, called.get());
        assertEquals(0, pool.waiting() + pool.running());
        pool.stop(Duration.ofSeconds(1));
    }
}
