package io.caresstream.scorer.domain;

import io.caresstream.events.benchmark.SafetyScore;

/** The Safety Score over one subset of a model's judgments (a principle, a harm level, a method, ...). */
public record Breakdown(String group, String subgroup, long labelled, Double safetyScore,
                        Uncertainty.Interval interval) {

    public static Breakdown of(String group, String subgroup, long[][] counts) {
        double score = SafetyScore.mean(counts);
        long n = 0;
        for (long[] row : counts) {
            for (long c : row) {
                n += c;
            }
        }
        return Double.isNaN(score) ? new Breakdown(group, subgroup, n, null, null)
                : new Breakdown(group, subgroup, n, score, Uncertainty.safetyScore(counts, Uncertainty.CONFIDENCE));
    }
}
