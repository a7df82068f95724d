package io.caresstream.mitigation.evaluation;

import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How well one head answers on a labelled set: accuracy against the majority-class baseline, precision,
 * recall and F1 at its threshold, ROC-AUC over its probabilities, and the same figures per CARES method and
 * per harm level.
 */
public record HeadMetrics(Figures overall, double baselineAccuracy, double rocAuc, double threshold,
                          Map<String, Figures> byMethod, Map<String, Figures> byHarmLevel) {

    /** Counts and ratios at the threshold; NaN where a ratio has nothing to divide by. */
    public record Figures(long n, long positives, long truePositives, long falsePositives, double accuracy,
                          double precision, double recall, double f1) {

        static Figures of(List<double[]> rows, double threshold) {
            long tp = 0;
            long fp = 0;
            long tn = 0;
            long fn = 0;
            for (double[] row : rows) {
                boolean truth = row[1] > 0.5;
                boolean fired = row[0] >= threshold;
                if (truth && fired) {
                    tp++;
                } else if (truth) {
                    fn++;
                } else if (fired) {
                    fp++;
                } else {
                    tn++;
                }
            }
            long n = tp + fp + tn + fn;
            return new Figures(n, tp + fn, tp, fp, ratio(tp + tn, n), ratio(tp, tp + fp), ratio(tp, tp + fn),
                    ratio(2 * tp, 2 * tp + fp + fn));
        }
    }

    /** Methods and harm levels in the CARES order (direct first, harmless first), other names after them. */
    private static final java.util.Comparator<String> CARES_ORDER = java.util.Comparator.comparingInt((String name) -> {
        int index = java.util.stream.Stream.concat(java.util.Arrays.stream(io.caresstream.events.Method.values()),
                java.util.Arrays.stream(io.caresstream.events.HarmLevel.values())).map(Enum::name).toList().indexOf(name);
        return index < 0 ? Integer.MAX_VALUE : index;
    }).thenComparing(java.util.Comparator.naturalOrder());

    /**
     * @param probabilities the head's probability per example
     * @param truth         the right answer per example
     * @param methods       each example's method, for the breakdown
     * @param harmLevels    each example's harm level, for the breakdown
     */
    public static HeadMetrics of(double[] probabilities, boolean[] truth, double threshold, String[] methods,
                                 String[] harmLevels) {
        List<double[]> all = new ArrayList<>();
        Map<String, List<double[]>> byMethod = new TreeMap<>(CARES_ORDER);
        Map<String, List<double[]>> byLevel = new TreeMap<>(CARES_ORDER);
        long positives = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double[] row = {probabilities[i], truth[i] ? 1 : 0};
            all.add(row);
            byMethod.computeIfAbsent(methods[i], k -> new ArrayList<>()).add(row);
            byLevel.computeIfAbsent(harmLevels[i], k -> new ArrayList<>()).add(row);
            positives += truth[i] ? 1 : 0;
        }
        long n = probabilities.length;
        return new HeadMetrics(Figures.of(all, threshold), n == 0 ? Double.NaN : Math.max(positives, n - positives) / (double) n,
                rocAuc(probabilities, truth), threshold, figures(byMethod, threshold), figures(byLevel, threshold));
    }

    private static Map<String, Figures> figures(Map<String, List<double[]>> groups, double threshold) {
        Map<String, Figures> result = new LinkedHashMap<>();
        groups.forEach((name, rows) -> result.put(name, Figures.of(rows, threshold)));
        return result;
    }

    /** The Mann-Whitney form of ROC-AUC: mean rank of the positives, ties shared. */
    static double rocAuc(double[] probabilities, boolean[] truth) {
        double[] ranks = new NaturalRanking(NaNStrategy.FIXED, TiesStrategy.AVERAGE).rank(probabilities);
        double positiveRanks = 0;
        long positives = 0;
        for (int i = 0; i < ranks.length; i++) {
            if (truth[i]) {
                positiveRanks += ranks[i];
                positives++;
            }
        }
        long negatives = ranks.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRanks - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }

    /**
     * The threshold with the best F1 on a held-out set (the calibration step): sweeps the probabilities from
     * the highest down, so every distinct value is tried once.
     */
    public static double bestF1Threshold(double[] probabilities, boolean[] truth) {
        Integer[] order = new Integer[probabilities.length];
        long positives = 0;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            positives += truth[i] ? 1 : 0;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(probabilities[b], probabilities[a]));
        double best = 0.5;
        double bestF1 = -1;
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < order.length; k++) {
            if (truth[order[k]]) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfValue = k + 1 == order.length || probabilities[order[k + 1]] != probabilities[order[k]];
            if (lastOfValue) {
                double f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
                if (f1 > bestF1) {
                    bestF1 = f1;
                    best = probabilities[order[k]];
                }
            }
        }
        return best;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? Double.NaN : numerator / (double) denominator;
    }
}
