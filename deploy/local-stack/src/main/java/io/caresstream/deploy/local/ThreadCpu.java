package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.JavaProcess.ThreadTime;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where each process's CPU goes during a run, by kind of thread, sampled twice a second: the JIT's compiler
 * threads (the warm-up a process pays until its hot code is compiled, which a long-running one no longer pays),
 * the garbage collector's and the JVM's own threads, and the rest, the application's (Kafka clients, workers,
 * HTTP). Only JIT and GC are summed here; the application's share is the process's total less these two. A thread
 * that ends between two samples (the JVM retires idle compiler threads) keeps what the last sample saw of it.
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

    private final Supplier<Map<String, Map<Long, ThreadTime>>> threads;
    /** By process: each thread's seconds when the watch began (a thread started since began at 0). */
    private final Map<String, Map<Long, ThreadTime>> first;
    /** By process: each thread's seconds when last seen. */
    private final Map<String, Map<Long, ThreadTime>> last = new HashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "thread-cpu");
        thread.setDaemon(true);
        return thread;
    });

    private ThreadCpu(Supplier<Map<String, Map<Long, ThreadTime>>> threads) {
        this.threads = threads;
        this.first = threads.get();
        first.forEach((process, byThread) -> last.put(process, new HashMap<>(byThread)));
    }

    /** Samples the threads the supplier lists (by process, then thread id) from now until closed. */
    static ThreadCpu watch(Supplier<Map<String, Map<Long, ThreadTime>>> threads) {
        ThreadCpu watch = new ThreadCpu(threads);
        watch.sampler.scheduleWithFixedDelay(watch::sample, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return watch;
    }

    synchronized void sample() {
        threads.get().forEach((process, byThread) -> last.computeIfAbsent(process, p -> new HashMap<>()).putAll(byThread));
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
