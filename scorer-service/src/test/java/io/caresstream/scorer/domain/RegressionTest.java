package io.caresstream.scorer.domain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionTest {

    @Test
    void versionsAreOrderedWithTheirNumbersAsNumbers() {
        assertTrue(Regression.compareVersions("v9", "v10") < 0);
        assertTrue(Regression.compareVersions("1.2", "1.10") < 0);
        assertTrue(Regression.compareVersions("2024-07-18", "2024-11-20") < 0);
        assertTrue(Regression.compareVersions("rc-007", "rc-8") < 0);
        assertEquals(0, Regression.compareVersions("v3", "v3"));
    }

    @Test
    void eachVersionIsPairedWithTheOneBeforeItInItsOwnLine() {
        List<String[]> pairs = Regression.successiveVersions(List.of("m@v10", "m@v9", "m@v9+guard-v1",
                "m@v10+guard-v1", "other@1", "unversioned"));
        assertEquals(List.of("m@v9 -> m@v10", "m@v9+guard-v1 -> m@v10+guard-v1"),
                pairs.stream().map(p -> p[0] + " -> " + p[1]).toList());
    }
}
