package io.caresstream.scorer.streams;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.Tally;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveTallyStoreTest {

    private final LiveTallyStore<Tally> store = new LiveTallyStore<>("tallies", tally -> new Tally().plus(tally));

    private static JudgmentRow judgment(int prompt, String generator) {
        return new JudgmentRow("judge@1", "model@1", "p" + prompt, "suite", Principle.values()[prompt % 8],
                HarmLevel.values()[prompt % 4], Method.values()[(prompt / 4) % 4], generator, "b" + prompt,
                JudgmentOutcome.LABELLED, Label.values()[prompt % 3], false, null, 0, 0);
    }

    private void add(String key, JudgmentRow row) {
        store.update(key, tally -> (tally == null ? new Tally() : tally).add(row));
    }

    @Test
    void aReaderGetsACopyThatLaterChangesDoNotReachAndThatCannotChangeTheStore() {
        add("a", judgment(1, "gpt"));
        Tally read = store.get("a");
        add("a", judgment(2, "gpt"));
        assertEquals(1, read.labelled(), "the copy keeps what it was given");
        read.add(judgment(3, "claude"));
        assertEquals(2, store.get("a").labelled(), "a change to the copy is the reader's own");
        assertNull(store.get("b"));
    }

    @Test
    void rangesFollowKafkaStreamsBoundsAndAllReplacesEverything() {
        for (String key : List.of("0|a", "0|b", "1|a", "2|c")) {
            add(key, judgment(1, "gpt"));
        }
        assertEquals(List.of("0|b", "1|a"), keys(store.range("0|b", "1|a")));
        assertEquals(List.of("1|a", "0|b"), keys(store.reverseRange("0|b", "1|a")));
        assertEquals(List.of("1|a", "2|c"), keys(store.range("1", null)));
        assertEquals(List.of("0|a", "0|b"), keys(store.range(null, "0|z")));
        assertEquals(List.of(), keys(store.range("2", "1")), "from after to: nothing");
        assertEquals(4, store.approximateNumEntries());

        store.replaceAll(Map.of("3|d", new Tally()));
        assertEquals(List.of("3|d"), keys(store.all()));
    }

    /**
     * One thread adds judgments, of ever more generators (each grows the tally's array), while others read:
     * every copy is whole (no half-grown tally, no exception) and none counts fewer than one read before it.
     */
    @Test
    void readersOnOtherThreadsSeeEveryTallyWholeWhileTheStreamThreadChangesIt() throws Exception {
        int judgments = 40_000;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(threads.submit(() -> {
                    long last = 0;
                    long reads = 0;
                    while (writing.get()) {
                        Tally copy = store.get("k");
                        if (copy == null) {
                            continue;
                        }
                        long[][] byLevel = copy.counts();
                        long sum = 0;
                        for (long[] level : byLevel) {
                            for (long count : level) {
                                sum += count;
                            }
                        }
                        assertEquals(copy.labelled(), sum, "a copy adds up");
                        assertTrue(sum >= last, "a later read counts no fewer: " + sum + " after " + last);
                        last = sum;
                        reads++;
                    }
                    return reads;
                }));
            }
            Future<?> writer = threads.submit(() -> {
                for (int i = 0; i < judgments; i++) {
                    add("k", judgment(i, "generator-" + (i / 400)));
                }
                writing.set(false);
            });
            writer.get(60, TimeUnit.SECONDS);
            for (Future<Long> reader : readers) {
                assertTrue(reader.get(60, TimeUnit.SECONDS) > 0, "the reader read while the tally changed");
            }
        } finally {
            writing.set(false);
            threads.shutdownNow();
        }
        assertEquals(judgments, store.get("k").labelled());
        assertEquals(100, store.get("k").generators().size());
    }

    @Test
    void aClosedStoreIsNotOpenAndHoldsNothing() {
        store.init(new MockProcessorContext<String, Tally>().getStateStoreContext(), store);
        assertTrue(store.isOpen());
        add("a", judgment(1, "gpt"));
        store.close();
        assertFalse(store.isOpen());
        assertEquals(0, store.approximateNumEntries());
    }

    private static List<String> keys(KeyValueIterator<String, Tally> entries) {
        List<String> keys = new ArrayList<>();
        try (entries) {
            entries.forEachRemaining((KeyValue<String, Tally> entry) -> keys.add(entry.key));
        }
        return keys;
    }
}
