package io.caresstream.events.work;

import io.caresstream.events.serde.UnreadableEventException;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The calls of a consumer channel, on threads of the service's own: the channel's method hands each message over
 * and returns, and while {@code highWater} messages wait for a thread the channel's partitions are paused on the
 * Kafka consumer itself, and resumed once half of them have been taken.
 * <p>
 * Why not SmallRye's worker pool and back-pressure: once its queue is full SmallRye pauses the consumer and then
 * polls it every 2 ms, with nothing to fetch; a model with a backlog waiting on a slow endpoint spent 7% of a core
 * that way (docs/performance.md). Paused here instead, the consumer is polled with the channel's poll timeout.
 * <p>
 * A message taken by a thread is settled when the work's stage completes (it acks or nacks the message itself).
 * Messages still waiting when their partitions are revoked, or when the service stops, are dropped unacknowledged:
 * the partition's next owner, or this service after its restart, reads them again from the committed offset.
 */
public final class CallPool {

    /** Pauses and resumes the channel's partitions on its Kafka consumer (on the consumer's polling thread). */
    public interface Pause {
        void pause();

        void resume();
    }

    private static final Logger LOG = LoggerFactory.getLogger(CallPool.class);
    /** A pause is asked for again at most this often while too many wait (a user's resume lifts every pause). */
    private static final long PAUSE_AGAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Waiting(Message<?> message, Supplier<CompletionStage<Void>> work) {
    }

    /** How long a graceful stop waits for the calls under way to be answered and published. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(25);
    /**
     * Messages waiting for a thread at which a channel's consumer is paused: four per thread, at least 256, so that
     * the half left at the resume keeps every thread busy until the resume reaches the consumer (at the channel's
     * poll timeout, 100 ms: about 70 prompts at the model-invoker's 0 ms rate).
     */
    static int highWater(int threads) {
        return Math.max(256, 4 * threads);
    }

    private final String name;
    private final int highWater;
    private final Pause pause;
    private final BlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong pausedAt = new AtomicLong();
    private volatile boolean stopping;
    private final Thread[] threads;

    /** A pool for a SmallRye Kafka channel, pausing its consumer itself ({@link ConsumerPause}). */
    public static CallPool onChannel(String name, int threads, KafkaClientService kafka, ChannelRegistry channels,
                                     String channel) {
        return new CallPool(name, threads, highWater(threads), new ConsumerPause(kafka, channels, channel));
    }

    /**
     * @param name      the threads' name ({@code name-1}, ...)
     * @param threads   how many calls at once
     * @param highWater messages waiting for a thread at which the partitions are paused
     */
    public CallPool(String name, int threads, int highWater, Pause pause) {
        if (threads < 1 || highWater < 1) {
            throw new IllegalArgumentException(name + ": threads and high water must be 1 or more, got " + threads
                    + " and " + highWater);
        }
        this.name = name;
        this.highWater = highWater;
        this.pause = pause;
        this.threads = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(this::takeAndRun, name + "-" + (i + 1));
            thread.setDaemon(true);
            this.threads[i] = thread;
            thread.start();
        }
    }

    /**
     * The channel method's part: refuses a record that could not be read (the channel's failure strategy sends it,
     * with its raw bytes, to the dead-letter topic), and hands the others over. Never blocks.
     */
    public <T> CompletionStage<Void> accept(Message<T> message, String topic, Function<Message<T>, CompletionStage<Void>> work) {
        if (message.getPayload() == null) {
            return message.nack(new UnreadableEventException(topic));
        }
        submit(message, work);
        return CompletableFuture.completedFuture(null);
    }

    /** Hands a message over; never blocks. {@code work} settles the message (ack or nack) when its stage completes. */
    public <T> void submit(Message<T> message, Function<Message<T>, CompletionStage<Void>> work) {
        if (stopping) {
            return; // read again after the restart
        }
        waiting.add(new Waiting(message, () -> work.apply(message)));
        if (waiting.size() >= highWater) {
            long now = System.nanoTime();
            long last = pausedAt.get();
            if ((!paused.get() || now - last > PAUSE_AGAIN_NANOS) && pausedAt.compareAndSet(last, now)) {
                paused.set(true);
                pause.pause();
            }
        }
    }

    /** Messages waiting for a thread. */
    public int waiting() {
        return waiting.size();
    }

    /** Messages taken by a thread and not yet settled. */
    public int running() {
        return running.get();
    }

    /** Drops the messages of revoked partitions that wait: their next owner reads them again. */
    public void revoked(Collection<TopicPartition> partitions) {
        waiting.removeIf(w -> partitionOf(w.message()).map(partitions::contains).orElse(false));
        resumeIfFew();
    }

    /** Resumes the partitions once half of what made them pause has been taken (or dropped). */
    private void resumeIfFew() {
        if (!stopping && paused.get() && waiting.size() <= highWater / 2 && paused.compareAndSet(true, false)) {
            pause.resume();
        }
    }

    /**
     * Stops taking messages and waits, up to {@code grace}, for those taken to be settled; the ones still waiting
     * are dropped unacknowledged. Call it before the channel's consumer closes, so that what was settled is committed.
     */
    public void stop() {
        stop(STOP_GRACE);
    }

    /** As {@link #stop()}, with another grace period. */
    public void stop(Duration grace) {
        stopping = true;
        int dropped = waiting.size();
        waiting.clear();
        long deadline = System.nanoTime() + grace.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread thread : threads) {
            thread.interrupt();
        }
        LOG.info("{}: stopped; {} calls still under way, {} waiting left for the next start", name, running.get(), dropped);
    }

    private void takeAndRun() {
        while (!stopping) {
            Waiting next;
            try {
                next = waiting.take();
            } catch (InterruptedException e) {
                return;
            }
            resumeIfFew();
            running.incrementAndGet();
            try {
                next.work().get().whenComplete((done, failure) -> running.decrementAndGet());
            } catch (RuntimeException e) {
                running.decrementAndGet();
                LOG.error("{}: a call failed outside its own handling", name, e);
                next.message().nack(e);
            }
        }
    }

    private static Optional<TopicPartition> partitionOf(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> new TopicPartition(m.getTopic(), m.getPartition()));
    }
}
