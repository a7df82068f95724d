package io.caresstream.deploy.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcPausesTest {

    /** Lines as -Xlog:gc writes them with the timemillis decoration: the serial collector's and G1's. */
    private static final List<String> LOG = List.of(
            "[1000ms] Using Serial",
            "[1500ms] GC(0) Pause Full (Metadata GC Threshold) 12M->8M(31M) 23.742ms",
            "[2000ms] GC(1) Pause Young (Allocation Failure) 32M->21M(47M) 34.929ms",
            "[2500ms] GC(2) Pause Full (Allocation Failure) 36M->23M(58M) 170.653ms",
            "[2600ms] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 40M->25M(256M) 4.500ms",
            "[2700ms] GC(4) Pause Remark 30M->30M(256M) 1.250ms",
            "[2800ms] GC(5) Pause Young (Concurrent Start) (Metadata GC Threshold)",
            "[9000ms] GC(6) Pause Young (Allocation Failure) 42M->29M(47M) 11.848ms");

    @Test
    void countsThePausesBetweenTheTwoInstants() {
        GcPauses pauses = GcPauses.of(LOG, 2000, 3000);
        assertEquals(4, pauses.pauses(), pauses.toString());
        assertEquals(1, pauses.full(), pauses.toString());
        assertEquals(34.929 + 170.653 + 4.5 + 1.25, pauses.totalMs(), 1e-9);
        assertEquals(170.653, pauses.longestMs(), 1e-9);
        assertEquals("4 (1 full) 211 / 171 ms", pauses.summary());
        assertEquals(GcPauses.NONE, GcPauses.of(LOG, 3000, 8000));
    }

    @Test
    void readsEveryInstanceLogOfAFolder(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("scorer-service.log"), LOG);
        Files.write(dir.resolve("model-invoker-m1_17.log"), LOG.subList(0, 2));
        Files.writeString(dir.resolve("notes.txt"), "not a log");
        Map<String, GcPauses> pauses = GcPauses.between(dir, 0, Long.MAX_VALUE);
        assertEquals(List.of("model-invoker-m1_17", "scorer-service"), List.copyOf(pauses.keySet()));
        assertEquals(1, pauses.get("model-invoker-m1_17").full());
        assertEquals(6, pauses.get("scorer-service").pauses());
        assertTrue(GcPauses.between(dir.resolve("absent"), 0, 1).isEmpty());
    }

    @Test
    void theOptionNamesEachInstancesLogInTheFolder(@TempDir Path dir) {
        assertEquals("-Xlog:gc:file=" + dir.toAbsolutePath().resolve("{name}.log") + ":timemillis",
                GcPauses.logOption(dir));
    }
}
