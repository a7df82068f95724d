package io.caresstream.events.work;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.events.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The work one worker (a model, a judge) has already done, so that a record redelivered after a crash, a rebalance
 * or a broker restart, or published again by a re-import, is not worked on, nor paid for, a second time.
 * <p>
 * The worker writes a small record to its own compacted done topic ({@code Topics.answered}, {@code Topics.judged})
 * once each result has reached the broker, keyed by the work's id. At start it reads that topic and then follows
 * it, so the instances of one worker see each other's work; what it reads grows with this worker's own work, not
 * with every worker's results. The ids are kept on local disk ({@link DoneIds}) within a fixed memory budget.
 * <p>
 * Upgrades: a worker that already has committed offsets when its done topic is first used reads what it had done
 * from the shared result topic once ({@link Earlier}), writes it to its done topic and marks the topic complete.
 * A new worker has nothing to read there and skips it.
 */
public final class CompletedWork {

    private static final Logger LOG = LoggerFactory.getLogger(CompletedWork.class);
    /** Written once the done topic holds all the worker's earlier work. '|' is never part of an id (EventKeys). */
    static final String COMPLETE = "|complete";
    /** What the work's results depend on (a judge's rubric), written once: one worker id never mixes two. */
    static final String BINDING = "|binding";
    /** Keys of a worker's shared settings (e.g. a model's spending caps): every instance reads them. */
    static final String SETTING = "|setting|";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The priority of a service's observer that calls {@link #stop}, on the application context's
     * {@code @BeforeDestroyed} event: after SmallRye's Kafka connector (50) has closed the consumers and flushed
     * the producers of the service's channels.
     */
    public static final int STOP_PRIORITY = 100;
    /** How long a stop waits for work whose result is on its way to the broker. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** The tokens a piece of work used, so averages survive restarts; stored as the done record's value. */
    public record Usage(long inputTokens, long outputTokens) {
        public static final Usage NONE = new Usage(0, 0);
        private static final byte VERSION = 1;

        /** The done record's value: a version byte, then the input and output tokens. */
        public byte[] bytes() {
            return ByteBuffer.allocate(17).put(VERSION).putLong(inputTokens).putLong(outputTokens).array();
        }

        static Usage of(byte[] bytes) {
            if (bytes == null || bytes.length < 17 || bytes[0] != VERSION) {
                return NONE;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, 16);
            return new Usage(buffer.getLong(), buffer.getLong());
        }
    }

    /** Where the worker's results are (the shared result topic), for the one-time read of an upgrade. */
    public record Earlier<T>(TopicSnapshot reader, String topic, String keyPrefix, Predicate<T> done,
                             Function<T, Usage> usage) {
    }

    /**
     * @param topic the worker's done topic
     * @param consumerGroup the group the worker consumes its input in (its committed offsets tell an upgrade)
     * @param stateDir where the ids are kept on disk while the process runs
     * @param lingerMs how long a done record waits for others to share its request: the worker's results channel's
     *                 own {@code linger.ms}, since each done record follows a result
     */
    public record Settings(String bootstrapServers, ClientSecurity security, String topic, String consumerGroup,
                           short replicationFactor, Path stateDir, int lingerMs) {
    }

    private final Settings settings;
    private final Earlier<?> earlier;
    private final Done onDone;
    private final TopicSnapshot follower;
    private final DoneIds done;
    private final KafkaProducer<String, byte[]> producer;
    /** Work under way in this instance, by id, completed when it ends. */
    private final Map<String, CompletableFuture<Void>> claims = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean complete;
    private volatile Thread following;
    /** What this instance's work depends on, or null when nothing is bound; see {@link #bind}. */
    private volatile String binding;
    private volatile Consumer<String> onForeignBinding = theirs -> { };
    private volatile BiConsumer<String, byte[]> onSetting = (name, value) -> { };
    /** A binding other than this instance's, once read. */
    private volatile String foreign;
    /** The binding the done topic holds, once read. */
    private volatile String boundTo;

    /** Told once for each id when its work is first known to be done: what it used, and when it was done. */
    @FunctionalInterface
    public interface Done {
        /** @param atMs when the done record was written (0 for work copied from before the done topic existed) */
        void accept(Usage usage, long atMs);
    }

    /** @param onDone called once for each id when its work is first known to be done, with what it used */
    public CompletedWork(Settings settings, Earlier<?> earlier, Done onDone) {
        this.settings = settings;
        this.earlier = earlier;
        this.onDone = onDone;
        // Small fetches at start: a million ids read are garbage at once, and large batches in flight when the
        // collector runs would be kept (and the heap grown) for nothing. Then no haste: this instance knows its own
        // work already, so fewer, larger fetches of the others' spare the broker.
        this.follower = new TopicSnapshot(settings.bootstrapServers(), null, settings.security(), Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, settings.consumerGroup() + ".done",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "262144",
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
        Map<String, Object> config = new HashMap<>(settings.security().kafka());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, settings.consumerGroup() + ".done");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Nobody waits on these but the acknowledgement of the input: batch them.
        config.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(settings.lingerMs()));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.done = new DoneIds(settings.stateDir(), settings.topic());
    }

    /**
     * Binds the worker's id to what its results depend on (a judge's rubric version), before {@link #start}. The
     * first instance to start writes the binding to the done topic; an instance bound to something else is told
     * the topic's binding through foreign, at start instead of ever counting as caught up (so it does no work),
     * or later if another instance bound differently started at the same moment. A worker whose done topic
     * already holds work from before bindings existed adopts this instance's binding: that work cannot be told.
     */
    public void bind(String value, Consumer<String> foreign) {
        this.binding = value;
        this.onForeignBinding = foreign;
    }

    /**
     * Told of every shared setting on the done topic, the ones written before the start first, then each as it is
     * written by any instance ({@link #publishSetting}). Call before {@link #start}.
     */
    public void onSetting(BiConsumer<String, byte[]> listener) {
        this.onSetting = listener;
    }

    /** Writes a shared setting for every instance of the worker; returns once the broker has it. */
    public void publishSetting(String name, byte[] value) {
        send(SETTING + name, value);
    }

    /**
     * Reads the done topic and then follows it, in a daemon thread. whenCaughtUp runs once the work done before
     * the start is known; if the topic cannot be read, failed is told why and waiting consumers are let through,
     * since a consumer held for ever loses more than one that may repeat a call.
     */
    public void start(String threadName, Runnable whenCaughtUp, Consumer<RuntimeException> failed) {
        Thread thread = new Thread(() -> {
            try {
                declareTopic();
                learnPartitions();
                follower.followRaw(settings.topic(), this::read, () -> {
                    if (binding != null && boundTo != null && !binding.equals(boundTo)) {
                        // Never caught up: consumers wait, and the worker is told to stop.
                        foreign = boundTo;
                        onForeignBinding.accept(boundTo);
                        return;
                    }
                    if (!complete) {
                        readEarlierWork();
                    }
                    if (binding != null && boundTo == null) {
                        send(BINDING, binding.getBytes(StandardCharsets.UTF_8));
                        boundTo = binding;
                    }
                    caughtUp.countDown();
                    whenCaughtUp.run();
                });
            } catch (RuntimeException e) {
                caughtUp.countDown();
                failed.accept(e);
            }
        }, threadName);
        thread.setDaemon(true);
        following = thread;
        thread.start();
    }

    /**
     * Ends this instance's part once its inputs are closed: waits (at most {@link #STOP_TIMEOUT}) for the work under
     * way to end, stops following, and writes every done record before the process ends. Call it after the messaging
     * has closed (on the application context's {@code @BeforeDestroyed} event with {@link #STOP_PRIORITY}), not on
     * {@code ShutdownEvent}: results still reach the broker while the messaging closes, and one whose done record is
     * lost at the exit is done, and paid for, again after the restart (its input's offset is not committed either).
     * The ids stay readable until the process ends; the directory is removed at the next start.
     */
    public void stop() {
        awaitWorkUnderWay(STOP_TIMEOUT);
        follower.stop();
        Thread thread = following;
        if (thread != null) {
            try {
                thread.join(SEND_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(SEND_TIMEOUT);
    }

    private void awaitWorkUnderWay(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (!claims.isEmpty() && System.nanoTime() < deadline) {
                CompletableFuture.allOf(claims.values().toArray(CompletableFuture[]::new))
                        .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Reported below.
        }
        if (!claims.isEmpty()) {
            LOG.warn("{}: {} pieces of work still under way after {} s at the stop; after a restart they are done again",
                    settings.topic(), claims.size(), within.toSeconds());
        }
    }

    /** For tests and tools that own the whole lifecycle: also frees the disk. */
    public void close() {
        stop();
        done.close();
    }

    /** Whether the work done before the start is known (and the binding, if any, matched): work may begin. */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0 && foreign == null;
    }

    /** The binding the done topic holds when it is not this instance's: then this instance must not work. */
    public Optional<String> foreignBinding() {
        return Optional.ofNullable(foreign);
    }

    /** Blocks until the work done before the start is known. */
    public void awaitCaughtUp() throws InterruptedException {
        caughtUp.await();
    }

    public boolean isDone(String id) {
        return done.contains(id);
    }

    /**
     * Claims the work on an id before doing it: false when it is done, or when another attempt on it in this
     * instance (the same record redelivered while its result still waits for the broker, after a rebalance or
     * a broker restart) ends with a published result; then the caller skips it. A true claim must end in
     * {@link #published} or {@link #abandoned}.
     */
    public boolean claim(String id) throws InterruptedException {
        while (true) {
            if (done.contains(id)) {
                return false;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = claims.putIfAbsent(id, mine);
            if (other == null) {
                return true;
            }
            try {
                other.get();
            } catch (ExecutionException e) {
                // The other attempt ended: look again.
            }
        }
    }

    /**
     * The claimed work's result reached the broker: it is done here at once, and the returned stage completes when
     * the done topic has it too. Acknowledge the input only then: an input whose offset is committed before its
     * done record is written would be paid again if the same id were published again. A done record that cannot be
     * written is logged, not failed: the result is on the log, and only a later duplicate of the input could cost.
     */
    public CompletionStage<Void> published(String id, Usage usage) {
        record(id, usage, System.currentTimeMillis());
        CompletableFuture<Void> written = new CompletableFuture<>();
        // Released once the record is handed to the producer: a stop waiting for the work under way then sends it.
        try {
            producer.send(new ProducerRecord<>(settings.topic(), id, usage.bytes()), (metadata, e) -> {
                if (e != null) {
                    LOG.warn("{}: the done record of {} was not written: {}", settings.topic(), id, e.getMessage());
                }
                written.complete(null);
            });
        } catch (RuntimeException e) {
            LOG.warn("{}: the done record of {} was not written: {}", settings.topic(), id, e.getMessage());
            written.complete(null);
        } finally {
            release(id);
        }
        return written;
    }

    /** The claimed work ended without a published result: a later attempt may do it. */
    public void abandoned(String id) {
        release(id);
    }

    public long count() {
        return done.size();
    }

    private void release(String id) {
        CompletableFuture<Void> claim = claims.remove(id);
        if (claim != null) {
            claim.complete(null);
        }
    }

    private void read(String key, TopicSnapshot.Raw raw) {
        byte[] value = raw.value();
        if (key.startsWith(SETTING)) {
            onSetting.accept(key.substring(SETTING.length()), value);
        } else if (COMPLETE.equals(key)) {
            complete = true;
        } else if (BINDING.equals(key)) {
            String theirs = value == null ? "" : new String(value, StandardCharsets.UTF_8);
            if (caughtUp.getCount() > 0) {
                boundTo = theirs;
            } else if (binding != null && !binding.equals(theirs)) {
                // Another instance, bound differently, started at the same moment and wrote its binding too.
                foreign = theirs;
                onForeignBinding.accept(theirs);
            }
        } else {
            record(key, Usage.of(value), raw.timestampMs());
        }
    }

    private void record(String id, Usage usage, long atMs) {
        if (done.add(id)) {
            onDone.accept(usage, atMs);
        }
    }

    /** One partition: every instance of the worker reads all of it anyway. Compacted, like the event topics. */
    private void declareTopic() {
        try {
            TopicProvisioner.ensure(settings.bootstrapServers(), settings.security().kafka(), List.of(settings.topic()),
                    1, settings.replicationFactor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while declaring " + settings.topic(), e);
        }
    }

    /**
     * Asks for the done topic's partitions now, so that the first done record does not wait for them (11.6 ms in a
     * judge). The broker has just answered the topic's declaration; should it not answer now, the failure is only
     * logged: the first done record asks again.
     */
    private void learnPartitions() {
        try {
            producer.partitionsFor(settings.topic());
        } catch (RuntimeException e) {
            LOG.info("{}: partitions not learnt at start ({}); the first done record will ask", settings.topic(),
                    e.getMessage());
        }
    }

    /** The first use of the done topic: copies an upgraded worker's earlier results into it, then marks it complete. */
    private void readEarlierWork() {
        if (earlier != null && hasCommittedOffsets()) {
            long started = System.nanoTime();
            long before = done.size();
            copyEarlier(earlier);
            LOG.info("{}: {} pieces of work done before this topic existed, read once from {} in {} s",
                    settings.topic(), done.size() - before, earlier.topic(),
                    String.format("%.1f", (System.nanoTime() - started) / 1e9));
        }
        send(COMPLETE, new byte[0]);
        complete = true;
    }

    private <T> void copyEarlier(Earlier<T> from) {
        int prefix = from.keyPrefix().length();
        from.reader().<T>read(from.topic(), key -> key.startsWith(from.keyPrefix()), (key, result) -> {
            if (from.done().test(result)) {
                Usage usage = from.usage().apply(result);
                String id = key.substring(prefix);
                record(id, usage, 0);
                producer.send(new ProducerRecord<>(settings.topic(), id, usage.bytes()));
            }
        });
        producer.flush();
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(settings.topic(), key, value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + settings.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write to " + settings.topic() + ": " + e.getMessage(), e);
        }
    }

    /** Whether the worker's group has ever committed: then it may have done work before its done topic existed. */
    private boolean hasCommittedOffsets() {
        Map<String, Object> config = new HashMap<>(settings.security().kafka());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            return !admin.listConsumerGroupOffsets(settings.consumerGroup()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            // Cannot tell: reading the earlier results once costs time; not reading them could cost calls.
            LOG.warn("{}: cannot read the offsets of group {} ({}); reading earlier results", settings.topic(),
                    settings.consumerGroup(), e.getMessage());
            return true;
        }
    }
}
