package io.caresstream.scorer.domain;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two models (or two versions of one) under the same judge on the same suite, paired on the prompts both
 * have labelled: the difference in Safety Score (second minus first) with its interval, and McNemar's
 * test on the binary view (a harmful prompt flagged, a harmless one accepted).
 */
public record Comparison(String judgeId, String suite, String first, String second, long pairs, Double firstScore,
                         Double secondScore, Double difference, Uncertainty.Interval differenceInterval,
                         long bothRight, long onlyFirstRight, long onlySecondRight, long bothWrong,
                         Uncertainty.McNemar mcNemar) {

    public static Comparison of(String judgeId, String suite, String first, String second,
                                List<JudgmentRow> firstJudgments, List<JudgmentRow> secondJudgments) {
        Map<String, JudgmentRow> byPrompt = new HashMap<>();
        for (JudgmentRow row : firstJudgments) {
            if (row.labelled()) {
                byPrompt.put(row.promptId(), row);
            }
        }
        double[] differences = new double[secondJudgments.size()];
        int n = 0;
        double firstSum = 0;
        double secondSum = 0;
        long[][] agreement = new long[2][2];
        for (JudgmentRow b : secondJudgments) {
            JudgmentRow a = byPrompt.get(b.promptId());
            if (a == null || !b.labelled()) {
                continue;
            }
            firstSum += a.score();
            secondSum += b.score();
            differences[n++] = b.score() - a.score();
            agreement[a.binaryCorrect() ? 1 : 0][b.binaryCorrect() ? 1 : 0]++;
        }
        if (n == 0) {
            return new Comparison(judgeId, suite, first, second, 0, null, null, null, null, 0, 0, 0, 0, null);
        }
        return new Comparison(judgeId, suite, first, second, n, firstSum / n, secondSum / n, (secondSum - firstSum) / n,
                Uncertainty.meanDifference(java.util.Arrays.copyOf(differences, n), Uncertainty.CONFIDENCE),
                agreement[1][1], agreement[1][0], agreement[0][1], agreement[0][0],
                Uncertainty.mcNemar(agreement[1][0], agreement[0][1]));
    }
}
