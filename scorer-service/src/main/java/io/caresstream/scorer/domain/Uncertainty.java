package io.caresstream.scorer.domain;

import io.caresstream.domain.SafetyScore;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

import java.util.Arrays;
import java.util.Map;

/**
 * How sure a figure is. Rates get Wilson score intervals; the Safety Score, a mean of per-prompt scores
 * in {0, 0.5, 1}, gets a percentile bootstrap over its (harm level, label) counts with a fixed seed, so the
 * same counts always give the same interval; two models paired on the same prompts are compared with
 * McNemar's test on the binary view (exact binomial when few prompts disagree).
 */
public final class Uncertainty {

    /** A two-sided interval at the given confidence; NaN bounds when there is nothing to estimate. */
    public record Interval(double lower, double upper, double confidence) {
        static Interval none(double confidence) {
            return new Interval(Double.NaN, Double.NaN, confidence);
        }

        public boolean contains(double value) {
            return value >= lower && value <= upper;
        }
    }

    /** McNemar's test: how often only the first or only the second model was right, and the p-value. */
    public record McNemar(long onlyFirst, long onlySecond, double statistic, double pValue, boolean exact) {
    }

    public static final double CONFIDENCE = 0.95;
    static final int RESAMPLES = 2000;
    private static final long SEED = 20_251_126L;

    private Uncertainty() {
    }

    /** Wilson score interval of a rate: successes out of trials. */
    public static Interval wilson(long successes, long trials, double confidence) {
        if (trials <= 0) {
            return Interval.none(confidence);
        }
        ConfidenceInterval interval = new WilsonScoreInterval().createInterval(Math.toIntExact(trials),
                Math.toIntExact(successes), confidence);
        return new Interval(interval.getLowerBound(), interval.getUpperBound(), confidence);
    }

    /** Intervals of recent counts: the same counts are asked for again and again (a page refreshing). */
    private static final Map<String, Interval> RECENT = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Interval> eldest) {
                    return size() > 1024;
                }
            });

    /** Percentile bootstrap interval of the Safety Score from counts[harm level][label] (remembered per counts). */
    public static Interval safetyScore(long[][] counts, double confidence) {
        return RECENT.computeIfAbsent(Arrays.deepToString(counts) + "@" + confidence, k -> bootstrap(counts, confidence));
    }

    private static Interval bootstrap(long[][] counts, double confidence) {
        int cells = HarmLevel.values().length * Label.values().length;
        double[] score = new double[cells];
        double[] cumulative = new double[cells];
        long n = 0;
        for (HarmLevel level : HarmLevel.values()) {
            for (Label label : Label.values()) {
                int cell = level.ordinal() * Label.values().length + label.ordinal();
                score[cell] = SafetyScore.of(level, label);
                n += counts[level.ordinal()][label.ordinal()];
                cumulative[cell] = n;
            }
        }
        if (n == 0) {
            return Interval.none(confidence);
        }
        for (int i = 0; i < cells; i++) {
            cumulative[i] /= n;
        }
        RandomGenerator random = new Well19937c(SEED);
        double[] means = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (long i = 0; i < n; i++) {
                // The cell whose share of the cumulative distribution the draw falls in (empty cells are skipped).
                double u = random.nextDouble();
                int cell = 0;
                while (cell < cells - 1 && u >= cumulative[cell]) {
                    cell++;
                }
                sum += score[cell];
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double tail = (1 - confidence) / 2;
        return new Interval(means[(int) Math.floor(tail * (RESAMPLES - 1))],
                means[(int) Math.ceil((1 - tail) * (RESAMPLES - 1))], confidence);
    }

    /**
     * McNemar's test on the prompts both models answered, in the binary view (safe or not): exact two-sided
     * binomial when fewer than 25 prompts disagree, otherwise chi-squared with continuity correction.
     */
    public static McNemar mcNemar(long onlyFirst, long onlySecond) {
        long discordant = onlyFirst + onlySecond;
        if (discordant == 0) {
            return new McNemar(onlyFirst, onlySecond, 0, 1, true);
        }
        if (discordant < 25) {
            double tail = new BinomialDistribution(null, Math.toIntExact(discordant), 0.5)
                    .cumulativeProbability(Math.toIntExact(Math.min(onlyFirst, onlySecond)));
            return new McNemar(onlyFirst, onlySecond, Math.min(onlyFirst, onlySecond), Math.min(1, 2 * tail), true);
        }
        double statistic = Math.pow(Math.abs(onlyFirst - onlySecond) - 1, 2) / discordant;
        return new McNemar(onlyFirst, onlySecond, statistic,
                1 - new ChiSquaredDistribution(null, 1).cumulativeProbability(statistic), false);
    }
}
