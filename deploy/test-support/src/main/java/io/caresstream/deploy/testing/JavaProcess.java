package io.caresstream.deploy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A Java application run as a child process, with its output in a log file; stopped by its own handle. */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> command;

    private JavaProcess(String name, Process process, Path log, List<String> command) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.command = List.copyOf(command);
    }

    /** Starts {@code java [jvmArgs] -Dk=v... -jar jar}; its output goes to {@code log}. */
    public static JavaProcess start(String name, Path jar, List<String> jvmArgs, Map<String, String> systemProperties,
                                    Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " does not exist; build it first (./mvnw install -DskipTests)");
        }
        return launch(name, jvmArgs, systemProperties, List.of("-jar", jar.toString()), log);
    }

    /** Starts {@code java [jvmArgs] -Dk=v... -cp classpath mainClass args}; its output goes to {@code log}. */
    public static JavaProcess startMain(String name, String classpath, String mainClass, List<String> jvmArgs,
                                        List<String> args, Path log) {
        List<String> tail = new ArrayList<>(List.of("-cp", classpath, mainClass));
        tail.addAll(args);
        return launch(name, jvmArgs, Map.of(), tail, log);
    }

    private static JavaProcess launch(String name, List<String> jvmArgs, Map<String, String> systemProperties,
                                      List<String> tail, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        // A JVM crash report beside the process's log, not in whatever directory the launcher runs in.
        command.add("-XX:ErrorFile=" + log.toAbsolutePath().resolveSibling("hs_err_" + name + "_%p.log"));
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(tail);
        return launch(name, command, log);
    }

    private static JavaProcess launch(String name, List<String> command, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new JavaProcess(name, process, log, command);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** The same command started again (after {@link #kill}, say), its output in another log. */
    public JavaProcess startAgain(Path newLog) {
        return launch(name, command, newLog);
    }

    /** Waits until the log contains the text (e.g. a "ready" line), failing early if the process dies. */
    public void awaitLogLine(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log).contains(text)) {
                    return;
                }
            } catch (IOException e) {
                // not written yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(describe());
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout + ":\n" + logTail(40));
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Whether it runs, or how it ended and the end of its log: what a caller whose request it did not answer
     * needs in its error.
     */
    public String describe() {
        if (process.isAlive()) {
            return name + " is running (pid " + process.pid() + ")";
        }
        return name + " (pid " + process.pid() + ") exited with " + process.exitValue() + "; the end of " + log
                + ":\n" + logTail(40);
    }

    /** Waits until GET url answers 200, failing early (with the log's tail) if the process dies. */
    public void awaitHttpOk(String url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(describe());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " did not answer " + url + " within " + timeout + ":\n" + logTail(40));
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Resident set size in kB, read from /proc (Linux), or -1. */
    public long residentKb() {
        return status("VmRSS:");
    }

    /** The highest resident set size so far in kB (Linux), or -1. */
    public long peakResidentKb() {
        return status("VmHWM:");
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or already gone
        }
        return -1;
    }

    /** CPU time used so far (user and system), in seconds, read from /proc (Linux), or -1. */
    public double cpuSeconds() {
        try {
            return cpuSecondsIn(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A thread's name (as the kernel keeps it: its first 15 characters) and the CPU seconds it has used. */
    public record ThreadTime(String name, double seconds) {
    }

    /**
     * The CPU time each live thread has used so far, by thread id, read from /proc (Linux); empty when not on Linux
     * or gone. A thread that has ended is no longer listed, though the process's own total keeps its time.
     */
    public Map<Long, ThreadTime> threadCpuSeconds() {
        Map<Long, ThreadTime> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    threads.put(Long.parseLong(task.getFileName().toString()), new ThreadTime(
                            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuSecondsIn(stat)));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while the others were read
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or already gone
        }
        return threads;
    }

    /** utime and stime of a /proc stat line, in seconds. */
    private static double cpuSecondsIn(String stat) {
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14, 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
    }

    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    private static final long CLOCK_TICKS = 100;

    /** Stops the process at once with SIGKILL, as a crash would: no shutdown hook, nothing flushed. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        terminate(Duration.ofSeconds(15));
    }

    /**
     * Stops the process with SIGTERM, as an operator or Kubernetes would; if it has not ended within the grace
     * period it is killed. Returns whether it ended by itself.
     */
    public boolean terminate(Duration grace) {
        return terminateAll(List.of(this), grace).get(this).isPresent();
    }

    /**
     * Stops the processes together with SIGTERM, as a whole deployment is stopped, and waits for each up to the
     * grace period, which they share; one still running then is killed. Returns, for each process, how long it
     * took to end by itself, or empty when it had to be killed.
     */
    public static Map<JavaProcess, Optional<Duration>> terminateAll(List<JavaProcess> processes, Duration grace) {
        long start = System.nanoTime();
        Map<JavaProcess, CompletableFuture<Duration>> exits = new LinkedHashMap<>();
        for (JavaProcess process : processes) {
            process.process.destroy();
            exits.put(process, process.process.onExit().thenApply(ended -> Duration.ofNanos(System.nanoTime() - start)));
        }
        long deadline = start + grace.toNanos();
        Map<JavaProcess, Optional<Duration>> stopped = new LinkedHashMap<>();
        exits.forEach((process, exit) -> {
            try {
                stopped.put(process, Optional.of(
                        exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
            } catch (TimeoutException | ExecutionException e) {
                process.kill();
                stopped.put(process, Optional.empty());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.process.destroyForcibly();
                stopped.put(process, Optional.empty());
            }
        });
        return stopped;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
