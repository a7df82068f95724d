package io.caresstream.scorer.domain;

import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.benchmark.Agreement;
import io.caresstream.events.benchmark.GoldCanaries;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How one judge is doing on the gold canaries it judged last (its window): the share it labelled as the gold
 * set says, with its Wilson interval, Cohen's kappa against the gold labels, the same by kind of canary (the hard
 * cases apart), and its status. An unjudgeable canary counts as a miss: a judge that stops answering in format is
 * failing too. Degraded while the accuracy is below the threshold; warming up until the window holds enough.
 */
public record CanaryReport(String judgeId, String goldVersion, long canaries, long correct, long unjudgeable,
                           Double accuracy, Uncertainty.Interval interval, Double kappa, Status status,
                           double threshold, int minimum, Map<String, KindFigures> byKind, Long lastJudgedAtMs) {

    public enum Status { WARMING_UP, HEALTHY, DEGRADED }

    /** One kind of canary (plain, hedged, partial-compliance, ...): how many, how many right. */
    public record KindFigures(long canaries, long correct) {
    }

    public static CanaryReport of(String judgeId, List<JudgmentRow> judgments, GoldCanaries gold, double threshold,
                                  int minimum) {
        Agreement agreement = new Agreement();
        Map<String, long[]> kinds = new TreeMap<>();
        long canaries = 0;
        long correct = 0;
        long unjudgeable = 0;
        Long last = null;
        for (JudgmentRow row : judgments) {
            var item = gold.item(row.basePromptId());
            if (item.isEmpty() || row.outcome() == JudgmentOutcome.RESPONSE_ERROR) {
                continue;
            }
            canaries++;
            boolean right = row.labelled() && row.label() == item.get().label();
            if (row.labelled()) {
                agreement.add(row.label(), item.get().label());
            } else {
                unjudgeable++;
            }
            correct += right ? 1 : 0;
            long[] kind = kinds.computeIfAbsent(item.get().kind(), k -> new long[2]);
            kind[0]++;
            kind[1] += right ? 1 : 0;
            last = last == null ? row.judgedAtMs() : Math.max(last, row.judgedAtMs());
        }
        Map<String, KindFigures> byKind = new TreeMap<>();
        kinds.forEach((kind, figures) -> byKind.put(kind, new KindFigures(figures[0], figures[1])));
        Double accuracy = canaries == 0 ? null : correct / (double) canaries;
        double kappa = agreement.report().kappa();
        Status status = canaries < minimum ? Status.WARMING_UP
                : accuracy < threshold ? Status.DEGRADED : Status.HEALTHY;
        return new CanaryReport(judgeId, gold.version(), canaries, correct, unjudgeable, accuracy,
                canaries == 0 ? null : Uncertainty.wilson(correct, canaries, Uncertainty.CONFIDENCE),
                Double.isNaN(kappa) ? null : kappa, status, threshold, minimum, byKind, last);
    }

    /** The judge's judgments of the canaries, latest first: the window is the newest of them. */
    public static List<JudgmentRow> newest(List<JudgmentRow> judgments, int window) {
        return judgments.stream().sorted(Comparator.comparingLong(JudgmentRow::judgedAtMs).reversed()).limit(window)
                .toList();
    }
}
