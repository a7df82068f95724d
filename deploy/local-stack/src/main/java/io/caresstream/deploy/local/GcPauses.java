package io.caresstream.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The collector's pauses of one JVM between two instants, from its {@code -Xlog:gc} file. A pause stops the
 * whole process, so on a saturated machine one of half a second is half a second that no record moves through
 * it: the benchmark reports them beside each process's CPU (a heap that started small once cost the scorer 750 ms
 * in the middle of an import, docs/performance.md).
 */
record GcPauses(int pauses, int full, double totalMs, double longestMs) {

    static final GcPauses NONE = new GcPauses(0, 0, 0, 0);

    /** "[1796488916969ms] GC(23) Pause Young (Allocation Failure) 32M->21M(47M) 34.929ms", any collector's pause. */
    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) Pause (\\w+).* ([\\d.]+)ms$");

    /** The JVM option that writes each service's log as {@code <dir>/<instance name>.log}, stamped with wall-clock time. */
    static String logOption(Path dir) {
        return "-Xlog:gc:file=" + dir.toAbsolutePath().resolve("{name}.log") + ":timemillis";
    }

    /** The pauses logged between {@code fromMs} and {@code toMs} (epoch milliseconds). */
    static GcPauses of(List<String> lines, long fromMs, long toMs) {
        int pauses = 0;
        int full = 0;
        double total = 0;
        double longest = 0;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line.strip());
            if (!pause.matches()) {
                continue;
            }
            long at = Long.parseLong(pause.group(1));
            if (at < fromMs || at > toMs) {
                continue;
            }
            double ms = Double.parseDouble(pause.group(3));
            pauses++;
            full += pause.group(2).equals("Full") ? 1 : 0;
            total += ms;
            longest = Math.max(longest, ms);
        }
        return new GcPauses(pauses, full, total, longest);
    }

    /** Every log in {@code dir}, by the instance it names: its pauses between the two instants. */
    static Map<String, GcPauses> between(Path dir, long fromMs, long toMs) {
        Map<String, GcPauses> byInstance = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return byInstance;
        }
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                String instance = log.getFileName().toString().replaceFirst("\\.log$", "");
                byInstance.put(instance, of(Files.readAllLines(log), fromMs, toMs));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the GC logs in " + dir, e);
        }
        return byInstance;
    }

    /** "23 (0 full) 604 / 155 ms" for a table: how many, how many full, their total and the longest. */
    String summary() {
        return String.format(java.util.Locale.ROOT, "%d (%d full) %.0f / %.0f ms", pauses, full, totalMs, longestMs);
    }
}
