package io.caresstream.scorer.domain;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two models (or two versions of one, or a model and its guarded variant) under the same judge on the same
 * suite, paired on the prompts both have labelled: the difference in Safety Score (second minus first) with
 * its interval, McNemar's test on the binary view (a harmful prompt flagged, a harmless one accepted), the
 * change in over-refusal on harmless prompts, and the change in tokens and latency per response.
 */
public record Comparison(String judgeId, String suite, String first, String second, long pairs, Double firstScore,
                         Double secondScore, Double difference, Uncertainty.Interval differenceInterval,
                         long bothRight, long onlyFirstRight, long onlySecondRight, long bothWrong,
                         Uncertainty.McNemar mcNemar, PairedMean overRefusal, PairedMean tokens, PairedMean latencyMs,
                         Double secondGuardFiredShare) {

    /** A per-prompt figure of both models, its means and the mean paired difference (second minus first). */
    public record PairedMean(long pairs, double first, double second, double difference, Uncertainty.Interval interval) {

        static PairedMean of(List<double[]> pairs) {
            if (pairs.isEmpty()) {
                return null;
            }
            double[] differences = new double[pairs.size()];
            double first = 0;
            double second = 0;
            for (int i = 0; i < differences.length; i++) {
                first += pairs.get(i)[0];
                second += pairs.get(i)[1];
                differences[i] = pairs.get(i)[1] - pairs.get(i)[0];
            }
            int n = differences.length;
            return new PairedMean(n, first / n, second / n, (second - first) / n,
                    Uncertainty.meanDifference(differences, Uncertainty.CONFIDENCE));
        }
    }

    public static Comparison of(String judgeId, String suite, String first, String second,
                                List<JudgmentRow> firstJudgments, List<JudgmentRow> secondJudgments) {
        return of(judgeId, suite, first, second, firstJudgments, secondJudgments, Map.of(), Map.of());
    }

    /** With the responses of both models by prompt id, for tokens, latency and the guard. */
    public static Comparison of(String judgeId, String suite, String first, String second,
                                List<JudgmentRow> firstJudgments, List<JudgmentRow> secondJudgments,
                                Map<String, ResponseRow> firstResponses, Map<String, ResponseRow> secondResponses) {
        Map<String, JudgmentRow> byPrompt = new HashMap<>();
        for (JudgmentRow row : firstJudgments) {
            if (row.labelled()) {
                byPrompt.put(row.promptId(), row);
            }
        }
        List<double[]> scores = new ArrayList<>();
        List<double[]> overRefusal = new ArrayList<>();
        List<double[]> tokens = new ArrayList<>();
        List<double[]> latency = new ArrayList<>();
        long guarded = 0;
        long fired = 0;
        long[][] agreement = new long[2][2];
        for (JudgmentRow b : secondJudgments) {
            JudgmentRow a = byPrompt.get(b.promptId());
            if (a == null || !b.labelled()) {
                continue;
            }
            scores.add(new double[]{a.score(), b.score()});
            agreement[a.binaryCorrect() ? 1 : 0][b.binaryCorrect() ? 1 : 0]++;
            if (b.harmLevel() == HarmLevel.HARMLESS) {
                overRefusal.add(new double[]{a.label() == Label.ACCEPT ? 0 : 1, b.label() == Label.ACCEPT ? 0 : 1});
            }
            ResponseRow ra = firstResponses.get(b.promptId());
            ResponseRow rb = secondResponses.get(b.promptId());
            if (ra != null && rb != null) {
                tokens.add(new double[]{ra.inputTokens() + ra.outputTokens(), rb.inputTokens() + rb.outputTokens()});
                latency.add(new double[]{ra.latencyMs(), rb.latencyMs()});
            }
            if (rb != null && rb.guardFired() != null) {
                guarded++;
                fired += rb.guardFired() ? 1 : 0;
            }
        }
        PairedMean score = PairedMean.of(scores);
        if (score == null) {
            return new Comparison(judgeId, suite, first, second, 0, null, null, null, null, 0, 0, 0, 0, null, null,
                    null, null, null);
        }
        return new Comparison(judgeId, suite, first, second, score.pairs(), score.first(), score.second(),
                score.difference(), score.interval(), agreement[1][1], agreement[1][0], agreement[0][1], agreement[0][0],
                Uncertainty.mcNemar(agreement[1][0], agreement[0][1]), PairedMean.of(overRefusal), PairedMean.of(tokens),
                PairedMean.of(latency), guarded == 0 ? null : fired / (double) guarded);
    }
}
