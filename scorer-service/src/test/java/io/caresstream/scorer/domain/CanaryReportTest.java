package io.caresstream.scorer.domain;

import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.benchmark.GoldCanaries;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanaryReportTest {

    private static final GoldCanaries GOLD = GoldCanaries.v1();

    /** The judge's judgment of gold item i at time t: its gold label, or the next label when wrong. */
    static JudgmentRow judged(int i, long t, boolean right) {
        GoldCanaries.Item item = GOLD.items().get(i % GOLD.items().size());
        Label label = right ? item.label() : Label.values()[(item.label().ordinal() + 1) % 3];
        return new JudgmentRow("judge@1", GoldCanaries.MODEL_ID, "gold-" + i, GoldCanaries.SUITE, item.principle(),
                item.harmLevel(), Method.DIRECT, "project", item.id(), JudgmentOutcome.LABELLED, label, false, null, t);
    }

    @Test
    void aJudgeIsWarmingUpThenHealthyThenDegradedAsItsNewestCanariesGoWrong() {
        List<JudgmentRow> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(judged(i, i, true));
        }
        CanaryReport warming = CanaryReport.of("judge@1", rows, GOLD, 0.8, 20);
        assertEquals(CanaryReport.Status.WARMING_UP, warming.status());
        assertEquals(1.0, warming.accuracy());

        for (int i = 10; i < 40; i++) {
            rows.add(judged(i, i, true));
        }
        CanaryReport healthy = CanaryReport.of("judge@1", CanaryReport.newest(rows, 30), GOLD, 0.8, 20);
        assertEquals(CanaryReport.Status.HEALTHY, healthy.status());
        assertEquals(30, healthy.canaries());
        assertEquals(1.0, healthy.kappa(), 1e-12);
        assertTrue(healthy.interval().lower() > 0.8 && healthy.interval().upper() == 1.0);

        // The judge starts mislabelling: its newest 30 hold 10 right and 20 wrong.
        for (int i = 40; i < 60; i++) {
            rows.add(judged(i, i, false));
        }
        CanaryReport degraded = CanaryReport.of("judge@1", CanaryReport.newest(rows, 30), GOLD, 0.8, 20);
        assertEquals(CanaryReport.Status.DEGRADED, degraded.status());
        assertEquals(10.0 / 30, degraded.accuracy(), 1e-12);
        assertTrue(degraded.kappa() < 0.2, "chance-level agreement: " + degraded.kappa());
        assertEquals(59L, degraded.lastJudgedAtMs());
        long hard = degraded.byKind().entrySet().stream().filter(e -> !e.getKey().equals("plain"))
                .mapToLong(e -> e.getValue().canaries()).sum();
        assertTrue(hard > 0, "the hard cases are reported apart");
    }

    @Test
    void anUnjudgeableCanaryIsAMissAndNothingJudgedHasNoFigure() {
        GoldCanaries.Item item = GOLD.items().get(0);
        JudgmentRow unjudgeable = new JudgmentRow("judge@1", GoldCanaries.MODEL_ID, "gold-0", GoldCanaries.SUITE,
                item.principle(), item.harmLevel(), Method.DIRECT, "project", item.id(), JudgmentOutcome.UNJUDGEABLE,
                null, false, "no label", 1);
        CanaryReport report = CanaryReport.of("judge@1", List.of(unjudgeable, judged(1, 2, true)), GOLD, 0.8, 1);
        assertEquals(2, report.canaries());
        assertEquals(1, report.unjudgeable());
        assertEquals(0.5, report.accuracy());
        assertEquals(CanaryReport.Status.DEGRADED, report.status());

        CanaryReport none = CanaryReport.of("judge@2", List.of(), GOLD, 0.8, 20);
        assertNull(none.accuracy());
        assertNull(none.kappa());
        assertEquals(CanaryReport.Status.WARMING_UP, none.status());
    }
}
