package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Throughput runs of a service against the ideal (concurrency / latency): each run plugs in a new
 * instance, which replays the whole log, and is timed until it has handled every event. The ratio uses
 * the steady part after the first fifth of the events (each run is a new JVM that compiles its hot code
 * first); the whole run is shown beside it.
 */
final class Throughput {

    static final double WARM_UP = 0.2;

    /** One run. */
    record Run(long latencyMs, int concurrency, int events, double seconds, double steadySeconds) {
        double perSecond() {
            return events * (1 - WARM_UP) / steadySeconds;
        }

        double wholeRunPerSecond() {
            return events / seconds;
        }

        double ideal() {
            return latencyMs == 0 ? Double.NaN : concurrency * 1000.0 / latencyMs;
        }
    }

    private Throughput() {
    }

    /** The options every throughput benchmark takes. */
    static final class Options {
        @picocli.CommandLine.Option(names = "--latency-ms", defaultValue = "200",
                description = "Simulated model latency (default: ${DEFAULT-VALUE}).")
        long latencyMs;

        @picocli.CommandLine.Option(names = "--concurrency", split = ",", defaultValue = "16,64,256",
                description = "Concurrency levels at that latency (default: ${DEFAULT-VALUE}).")
        List<Integer> concurrency;

        @picocli.CommandLine.Option(names = "--ceiling-concurrency", split = ",", defaultValue = "64,256",
                description = "Concurrency levels for the 0 ms ceiling (default: ${DEFAULT-VALUE}).")
        List<Integer> ceilingConcurrency;

        @picocli.CommandLine.Option(names = "--target-ratio", defaultValue = "0.95",
                description = "Target share of ideal at concurrency 64 (default: ${DEFAULT-VALUE}).")
        double targetRatio;

        @picocli.CommandLine.Option(names = "--work-dir", description = "Logs and the generated suite.")
        Path workDir;

        /** The work folder, this benchmark's own under target/ unless one was given. */
        Path workDir(String benchmark) {
            return (workDir == null ? Path.of("target", benchmark) : workDir).toAbsolutePath();
        }

        /** One run at each concurrency at the latency, then each ceiling concurrency at 0 ms. */
        List<Run> runAll(Measurement measurement) throws Exception {
            List<Run> runs = new java.util.ArrayList<>();
            for (int c : concurrency) {
                runs.add(measurement.run(latencyMs, c));
            }
            for (int c : ceilingConcurrency) {
                runs.add(measurement.run(0, c));
            }
            return runs;
        }
    }

    /** Plugs in a fresh consumer (a model or a judge) and times it through the whole log. */
    @FunctionalInterface
    interface Measurement {
        Run run(long latencyMs, int concurrency) throws Exception;
    }

    /** A generated suite of the given size in the work folder (created if need be). */
    static Path generatedSuite(Path workDir, int rows) throws Exception {
        Path dir = workDir.toAbsolutePath();
        java.nio.file.Files.createDirectories(dir);
        Path suite = dir.resolve("generated-" + rows + ".jsonl");
        ImportBenchmark.writeSuite(suite, rows);
        return suite;
    }

    /**
     * Times a freshly added instance until it has handled the events.
     *
     * @param view     GETs the instance's status document
     * @param started  whether the status says it has begun taking events
     * @param handled  how many events the status says it has handled
     */
    static Run time(String name, long latencyMs, int concurrency, int events, java.util.function.Supplier<JsonNode> view,
                    Function<JsonNode, Boolean> started, Function<JsonNode, Integer> handled) throws InterruptedException {
        long start = 0;
        long warm = 0;
        while (true) {
            JsonNode status = view.get();
            long now = System.nanoTime();
            int done = handled.apply(status);
            if (start == 0 && started.apply(status)) {
                start = now;
            }
            if (warm == 0 && done >= events * WARM_UP) {
                warm = now;
            }
            if (start != 0 && done >= events) {
                double seconds = (now - start) / 1e9;
                System.out.printf(Locale.ROOT, "  %s: %,d in %.2f s%n", name, events, seconds);
                return new Run(latencyMs, concurrency, events, seconds, (now - warm) / 1e9);
            }
            Thread.sleep(100);
        }
    }

    /** Prints the table; returns whether the target ratio was met at the target concurrency. */
    static boolean print(String what, List<Run> runs, int targetConcurrency, double targetRatio, long latencyMs) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-10s %-11s %9s %9s %14s %12s %12s %8s%n", "latency", "concurrency", what,
                "seconds", "whole run /s", "steady /s", "ideal/s", "ratio");
        boolean met = false;
        for (Run run : runs) {
            double ratio = run.perSecond() / run.ideal();
            System.out.printf(Locale.ROOT, "%-10s %-11d %,9d %9.2f %,14.1f %,12.1f %12s %8s%n", run.latencyMs() + " ms",
                    run.concurrency(), run.events(), run.seconds(), run.wholeRunPerSecond(), run.perSecond(),
                    run.latencyMs() == 0 ? "(ceiling)" : String.format(Locale.ROOT, "%,.1f", run.ideal()),
                    run.latencyMs() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", ratio));
            if (run.latencyMs() == latencyMs && run.concurrency() == targetConcurrency) {
                met = ratio >= targetRatio;
            }
        }
        System.out.printf(Locale.ROOT, "ratio = steady %s/s (after the first %.0f%%) / ideal%n", what, WARM_UP * 100);
        System.out.printf(Locale.ROOT, "target: at least %.0f%% of ideal at concurrency %d and %d ms: %s%n",
                targetRatio * 100, targetConcurrency, latencyMs, met ? "met" : "NOT met");
        return met;
    }
}
