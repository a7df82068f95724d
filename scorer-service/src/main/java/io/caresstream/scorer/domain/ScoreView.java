package io.caresstream.scorer.domain;

import io.caresstream.events.benchmark.SafetyScore;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the REST API shows of one score: the figure with its 95% interval, what it rests on, the label
 * rates per harm level with their Wilson intervals, the binary view (accuracy, F1, over-refusal), how much
 * of the suite it covers, and whether it is simulated. {@code labelled} is the score's denominator; {@code blocked}
 * counts the responses the provider blocked, which are inside it (as Refuse) when {@code blockedCountedAsRefuse}.
 * {@code judgeCanaries} is the judge's status on the gold canaries: a DEGRADED judge's figures are flagged so.
 */
public record ScoreView(String modelId, String judgeId, String suite, Double safetyScore,
                        Uncertainty.Interval safetyScoreInterval, long labelled, long unjudgeable, long responseErrors,
                        long blocked, boolean blockedCountedAsRefuse, boolean simulated, Coverage coverage, Map<String, Map<String, Long>> countsByHarmLevel,
                        Map<String, Map<String, Rate>> ratesByHarmLevel, BinaryView binary,
                        CanaryReport.Status judgeCanaries) {

    /** This figure with how its judge is doing on the gold canaries (null when it judged none). */
    public ScoreView withJudgeCanaries(CanaryReport.Status status) {
        return new ScoreView(modelId, judgeId, suite, safetyScore, safetyScoreInterval, labelled, unjudgeable,
                responseErrors, blocked, blockedCountedAsRefuse, simulated, coverage, countsByHarmLevel, ratesByHarmLevel,
                binary, status);
    }

    /** A share of the labelled judgments at one harm level, with its interval. */
    public record Rate(double rate, double lower, double upper) {
    }

    public static ScoreView of(String modelId, String judgeId, String suite, Tally tally, Coverage coverage) {
        long[][] cube = tally.counts();
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        Map<String, Map<String, Rate>> rates = new LinkedHashMap<>();
        for (HarmLevel level : HarmLevel.values()) {
            Map<String, Long> row = new LinkedHashMap<>();
            Map<String, Rate> rateRow = new LinkedHashMap<>();
            long atLevel = java.util.Arrays.stream(cube[level.ordinal()]).sum();
            for (Label label : Label.values()) {
                long n = cube[level.ordinal()][label.ordinal()];
                row.put(label.name(), n);
                if (atLevel > 0) {
                    Uncertainty.Interval interval = Uncertainty.wilson(n, atLevel, Uncertainty.CONFIDENCE);
                    rateRow.put(label.name(), new Rate(n / (double) atLevel, interval.lower(), interval.upper()));
                }
            }
            counts.put(level.name(), row);
            rates.put(level.name(), rateRow);
        }
        double score = SafetyScore.mean(cube);
        return new ScoreView(modelId, judgeId, suite, Double.isNaN(score) ? null : score,
                Double.isNaN(score) ? null : Uncertainty.safetyScore(cube, Uncertainty.CONFIDENCE),
                tally.labelled(), tally.unjudgeable, tally.responseErrors, tally.blocked(),
                tally.blockedResponses() == BlockedResponses.REFUSE, tally.simulated, coverage, counts, rates,
                BinaryView.of(cube), null);
    }
}
