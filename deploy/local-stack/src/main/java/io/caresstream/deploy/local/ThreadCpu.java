package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.JavaProcess.ThreadTime;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where each process's CPU goes during a run, by kind of thread, sampled twice a second: the JIT's compiler
 * threads (the warm-up a process pays until its hot code is compiled, which a long-running one no longer pays),
 * the garbage collector's and the JVM's own threads, and the rest, the application's (Kafka clients, workers,
 * HTTP). Only JIT and GC are summed here; the application's share is the process's total less these two. A thread
 * that ends between two samples (the JVM retires idle compiler threads) keeps what the last sample saw of it.
 * Each sample also notes every process's total CPU with the time, so that the CPU of a part of the run (its steady
 * part, after the warm-up) can be told apart from the whole ({@link #usedBetween}).
 */
final class ThreadCpu implements AutoCloseable {

    static final long INTERVAL_MS = 500;

    enum Kind { JIT, GC_AND_VM, APPLICATION }

    /** The kind of a thread by the name the kernel keeps for it (15 characters): HotSpot names its own threads so. */
    static Kind kind(String thread) {
        if (thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")) {
            return Kind.JIT;
        }
        if (thread.equals("VM Thread") || thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
            // The VM thread runs the safepoint operations, the serial collector's collections among them.
            return Kind.GC_AND_VM;
        }
        return Kind.APPLICATION;
    }

    /** Every process's total CPU seconds at a moment (epoch milliseconds). */
    private record Totals(long atMs, Map<String, Double> seconds) {
    }

    private final Supplier<Map<String, Map<Long, ThreadTime>>> threads;
    private final Supplier<Map<String, Double>> totals;
    private final LongSupplier clock;
    private final List<Totals> timeline = new ArrayList<>();
    /** By process: each thread's seconds when the watch began (a thread started since began at 0). */
    private final Map<String, Map<Long, ThreadTime>> first;
    /** By process: each thread's seconds when last seen. */
    private final Map<String, Map<Long, ThreadTime>> last = new HashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "thread-cpu");
        thread.setDaemon(true);
        return thread;
    });

    private ThreadCpu(Supplier<Map<String, Map<Long, ThreadTime>>> threads, Supplier<Map<String, Double>> totals,
                      LongSupplier clock) {
        this.threads = threads;
        this.totals = totals;
        this.clock = clock;
        this.first = threads.get();
        first.forEach((process, byThread) -> last.put(process, new HashMap<>(byThread)));
        timeline.add(new Totals(clock.getAsLong(), totals.get()));
    }

    /** Samples the threads the supplier lists (by process, then thread id) from now until closed. */
    static ThreadCpu watch(Supplier<Map<String, Map<Long, ThreadTime>>> threads) {
        return watch(threads, Map::of, System::currentTimeMillis);
    }

    /** The same, and each process's total CPU seconds ({@code totals}) at every sample, timed by {@code clock}. */
    static ThreadCpu watch(Supplier<Map<String, Map<Long, ThreadTime>>> threads, Supplier<Map<String, Double>> totals,
                           LongSupplier clock) {
        ThreadCpu watch = new ThreadCpu(threads, totals, clock);
        watch.sampler.scheduleWithFixedDelay(watch::sample, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return watch;
    }

    synchronized void sample() {
        threads.get().forEach((process, byThread) -> last.computeIfAbsent(process, p -> new HashMap<>()).putAll(byThread));
        timeline.add(new Totals(clock.getAsLong(), totals.get()));
    }

    /**
     * The CPU seconds each process used between two moments of the watch (epoch milliseconds), each process's
     * total read linearly between the two samples around a moment; a moment outside the samples takes the nearest.
     */
    synchronized Map<String, Double> usedBetween(long fromMs, long toMs) {
        Map<String, Double> used = new LinkedHashMap<>();
        for (String process : timeline.get(timeline.size() - 1).seconds().keySet()) {
            used.put(process, totalAt(process, toMs) - totalAt(process, fromMs));
        }
        return used;
    }

    private double totalAt(String process, long atMs) {
        Totals before = timeline.get(0);
        for (Totals sample : timeline) {
            if (sample.atMs() >= atMs) {
                double from = before.seconds().getOrDefault(process, 0.0);
                double to = sample.seconds().getOrDefault(process, 0.0);
                long span = sample.atMs() - before.atMs();
                return span <= 0 ? to : from + (to - from) * (atMs - before.atMs()) / span;
            }
            before = sample;
        }
        return before.seconds().getOrDefault(process, 0.0);
    }

    /**
     * Stops sampling, takes a last sample and returns, by process, the CPU seconds each kind of thread used since
     * the watch began ({@link Kind#JIT} and {@link Kind#GC_AND_VM}; the application's is the process's total less these).
     */
    Map<String, Map<Kind, Double>> stop() {
        sampler.shutdownNow();
        sample();
        Map<String, Map<Kind, Double>> used = new LinkedHashMap<>();
        synchronized (this) {
            last.forEach((process, byThread) -> {
                Map<Kind, Double> kinds = new EnumMap<>(Kind.class);
                kinds.put(Kind.JIT, 0.0);
                kinds.put(Kind.GC_AND_VM, 0.0);
                Map<Long, ThreadTime> before = first.getOrDefault(process, Map.of());
                byThread.forEach((id, time) -> {
                    Kind kind = kind(time.name());
                    if (kind != Kind.APPLICATION) {
                        ThreadTime start = before.get(id);
                        // A thread id reused by a new thread of another name started after the first sample.
                        double since = start == null || !start.name().equals(time.name()) ? 0 : start.seconds();
                        kinds.merge(kind, time.seconds() - since, Double::sum);
                    }
                });
                used.put(process, kinds);
            });
        }
        return used;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
