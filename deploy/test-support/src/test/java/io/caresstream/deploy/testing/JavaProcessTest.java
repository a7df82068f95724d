package io.caresstream.deploy.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping processes together: each is timed on its own, and one that outlives the grace period is killed. A
 * process that died says how, with the end of its log.
 */
class JavaProcessTest {

    /** Waits forever; on SIGTERM its shutdown hook takes as long as the first argument says (in milliseconds). */
    public static final class SlowToStop {
        public static void main(String[] args) throws InterruptedException {
            long stopMillis = Long.parseLong(args[0]);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(stopMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.out.println("waiting");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Prints a line, then stops with the exit code its first argument gives. */
    public static final class ExitsAtOnce {
        public static void main(String[] args) {
            System.out.println("giving up now");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    private static JavaProcess start(String name, long stopMillis, Path dir) {
        JavaProcess process = JavaProcess.startMain(name, System.getProperty("java.class.path"),
                SlowToStop.class.getName(), List.of("-Xmx32m"), List.of(String.valueOf(stopMillis)),
                dir.resolve(name + ".log"));
        process.awaitLogLine("waiting", Duration.ofSeconds(30));
        return process;
    }

    @Test
    void processesStoppedTogetherAreTimedEachAndOneThatOutlivesTheGracePeriodIsKilled(@TempDir Path dir) {
        JavaProcess quick = start("quick", 0, dir);
        JavaProcess slow = start("slow", 1_500, dir);
        JavaProcess stuck = start("stuck", 600_000, dir);

        long started = System.nanoTime();
        Map<JavaProcess, Optional<Duration>> stopped = JavaProcess.terminateAll(List.of(stuck, slow, quick),
                Duration.ofSeconds(4));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(List.of(stuck, slow, quick), List.copyOf(stopped.keySet()), "in the order given");
        assertTrue(stopped.get(quick).orElseThrow().toMillis() < 1_500, stopped.toString());
        assertTrue(stopped.get(slow).orElseThrow().toMillis() >= 1_500, stopped.toString());
        assertTrue(stopped.get(stuck).isEmpty(), "killed after the grace period: " + stopped);
        assertFalse(quick.isAlive() || slow.isAlive() || stuck.isAlive());
        // Together, not one after the other: the grace period and a kill, not the sum of the stops (5.5 s and more).
        assertTrue(took.toMillis() < 5_400, "took " + took);
        assertTrue(stopped.get(quick).orElseThrow().compareTo(stopped.get(slow).orElseThrow()) < 0, stopped.toString());
    }

    @Test
    void oneProcessStopsByItselfWithinItsGracePeriod(@TempDir Path dir) {
        JavaProcess process = start("one", 200, dir);
        assertTrue(process.terminate(Duration.ofSeconds(10)));
        assertFalse(process.isAlive());
    }

    @Test
    void aProcessThatEndedSaysWithWhatCodeAndHowItsLogEnds(@TempDir Path dir) {
        JavaProcess running = start("running", 0, dir);
        assertEquals("running is running (pid " + running.pid() + ")", running.describe());
        running.close();

        JavaProcess ended = JavaProcess.startMain("ended", System.getProperty("java.class.path"),
                ExitsAtOnce.class.getName(), List.of("-Xmx32m"), List.of("3"), dir.resolve("ended.log"));
        IllegalStateException waited = assertThrows(IllegalStateException.class,
                () -> ended.awaitHttpOk("http://127.0.0.1:1/never", Duration.ofSeconds(30)));
        String expected = "ended (pid " + ended.pid() + ") exited with 3; the end of " + dir.resolve("ended.log")
                + ":\ngiving up now";
        assertEquals(expected, waited.getMessage());
        assertEquals(expected, ended.describe());
    }
}
