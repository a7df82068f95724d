package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.JavaProcess.ThreadTime;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThreadCpuTest {

    @Test
    void threadsAreKnownByTheNamesHotSpotGivesThem() {
        assertEquals(ThreadCpu.Kind.JIT, ThreadCpu.kind("C2 CompilerThre"));
        assertEquals(ThreadCpu.Kind.JIT, ThreadCpu.kind("C1 CompilerThre"));
        assertEquals(ThreadCpu.Kind.GC_AND_VM, ThreadCpu.kind("VM Thread"));
        assertEquals(ThreadCpu.Kind.GC_AND_VM, ThreadCpu.kind("GC Thread#1"));
        assertEquals(ThreadCpu.Kind.GC_AND_VM, ThreadCpu.kind("G1 Conc#0"));
        assertEquals(ThreadCpu.Kind.APPLICATION, ThreadCpu.kind("model-calls-3"));
        assertEquals(ThreadCpu.Kind.APPLICATION, ThreadCpu.kind("VM Periodic Tas"));
        assertEquals(ThreadCpu.Kind.APPLICATION, ThreadCpu.kind("kafka-producer-"));
    }

    @Test
    void eachKindCountsWhatItsThreadsUsedSinceTheWatchBeganEvenThreadsThatEndedOrStartedMeanwhile() {
        AtomicReference<Map<String, Map<Long, ThreadTime>>> now = new AtomicReference<>(Map.of(
                "scorer", Map.of(1L, new ThreadTime("C2 CompilerThre", 10), 2L, new ThreadTime("VM Thread", 1),
                        3L, new ThreadTime("StreamThread-1", 5), 4L, new ThreadTime("C1 CompilerThre", 2))));
        try (ThreadCpu watch = ThreadCpu.watch(now::get)) {
            // The second compiler thread is retired after 0.5 s more; a third one starts and works 0.25 s.
            now.set(Map.of("scorer", Map.of(1L, new ThreadTime("C2 CompilerThre", 11), 2L, new ThreadTime("VM Thread", 1.5),
                    3L, new ThreadTime("StreamThread-1", 9), 4L, new ThreadTime("C1 CompilerThre", 2.5))));
            watch.sample();
            Map<Long, ThreadTime> later = new HashMap<>(Map.of(1L, new ThreadTime("C2 CompilerThre", 13),
                    2L, new ThreadTime("VM Thread", 2), 3L, new ThreadTime("StreamThread-1", 20),
                    5L, new ThreadTime("C2 CompilerThre", 0.25)));
            now.set(Map.of("scorer", later));
            Map<ThreadCpu.Kind, Double> used = watch.stop().get("scorer");
            assertEquals(3 + 0.5 + 0.25, used.get(ThreadCpu.Kind.JIT), 1e-9);
            assertEquals(1, used.get(ThreadCpu.Kind.GC_AND_VM), 1e-9);
        }
    }

    @Test
    void thePartOfARunBetweenTwoMomentsIsReadBetweenTheSamplesAroundThem() {
        AtomicLong clock = new AtomicLong(1_000);
        AtomicReference<Map<String, Double>> totals = new AtomicReference<>(Map.of("invoker", 10.0, "kafka", 4.0));
        try (ThreadCpu watch = ThreadCpu.watch(Map::of, totals::get, clock::get)) {
            clock.set(2_000);
            totals.set(Map.of("invoker", 12.0, "kafka", 5.0));
            watch.sample();
            clock.set(3_000);
            totals.set(Map.of("invoker", 13.0, "kafka", 7.0));
            watch.sample();
            // From halfway between the first two samples to a quarter into the next: 1 + 0.25 and 0.5 + 0.5.
            Map<String, Double> used = watch.usedBetween(1_500, 2_250);
            assertEquals(1.25, used.get("invoker"), 1e-9);
            assertEquals(1.0, used.get("kafka"), 1e-9);
            // Moments outside the samples take the nearest: the whole watch.
            assertEquals(3.0, watch.usedBetween(0, 9_000).get("invoker"), 1e-9);
            assertEquals(0.0, watch.usedBetween(5_000, 9_000).get("kafka"), 1e-9);
        }
    }
}
