package io.caresstream.events.serde;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The work a consumer has already done, read from the topic its results go to: an answered prompt, a judged
 * response. A record redelivered after a crash, a rebalance or a broker restart is then not worked on, and
 * not paid for, a second time. The result topic is read from the beginning at start and then followed; a
 * consumer waits for {@link #awaitCaughtUp} before its first check. Ids are the result topic's keys less a
 * prefix (the model's or the judge's id and its separator).
 *
 * @param <T> the result event
 */
public final class CompletedWork<T> {

    private final TopicSnapshot reader;
    private final String topic;
    private final String keyPrefix;
    private final Predicate<T> done;
    private final Consumer<T> onDone;
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    /** Work under way in this instance, by id, completed when it ends. */
    private final Map<String, CompletableFuture<Void>> claims = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    /**
     * @param done which results close the work (an answer does, a failed call does not: it is tried again)
     * @param onDone called once for each id when its work is first known to be done
     */
    public CompletedWork(TopicSnapshot reader, String topic, String keyPrefix, Predicate<T> done, Consumer<T> onDone) {
        this.reader = reader;
        this.topic = topic;
        this.keyPrefix = keyPrefix;
        this.done = done;
        this.onDone = onDone;
    }

    /**
     * Follows the result topic in a daemon thread. whenCaughtUp runs once the results there were at the start
     * are known; if the topic cannot be read, failed is told why and waiting consumers are let through, since
     * a consumer held for ever loses more than one that may repeat a call.
     */
    public void start(String threadName, Runnable whenCaughtUp, Consumer<RuntimeException> failed) {
        Thread follower = new Thread(() -> {
            try {
                reader.<T>follow(topic,
                        key -> key.startsWith(keyPrefix) && !completed.contains(key.substring(keyPrefix.length())),
                        (key, result) -> record(key.substring(keyPrefix.length()), result),
                        () -> {
                            caughtUp.countDown();
                            whenCaughtUp.run();
                        });
            } catch (RuntimeException e) {
                caughtUp.countDown();
                failed.accept(e);
            }
        }, threadName);
        follower.setDaemon(true);
        follower.start();
    }

    public void stop() {
        reader.stop();
    }

    /** Blocks until the results published before the start are known. */
    public void awaitCaughtUp() throws InterruptedException {
        caughtUp.await();
    }

    public boolean isDone(String id) {
        return completed.contains(id);
    }

    /**
     * Claims the work on an id before doing it: false when it is done, or when another attempt on it in this
     * instance (the same record redelivered while its result still waits for the broker, after a rebalance or
     * a broker restart) ends with a published result; then the caller skips it. A true claim must end in
     * {@link #published} or {@link #abandoned}.
     */
    public boolean claim(String id) throws InterruptedException {
        while (true) {
            if (completed.contains(id)) {
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

    /** The claimed work's result reached the broker. */
    public void published(String id, T result) {
        record(id, result);
        release(id);
    }

    /** The claimed work ended without a published result: a later attempt may do it. */
    public void abandoned(String id) {
        release(id);
    }

    private void release(String id) {
        CompletableFuture<Void> claim = claims.remove(id);
        if (claim != null) {
            claim.complete(null);
        }
    }

    /** A result, read from the topic or just published by this instance. */
    public void record(String id, T result) {
        if (done.test(result) && completed.add(id)) {
            onDone.accept(result);
        }
    }

    public int count() {
        return completed.size();
    }
}
