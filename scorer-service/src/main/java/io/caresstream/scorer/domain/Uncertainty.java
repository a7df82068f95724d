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

    /**
     * Each prompt scores 1, 0.5 or 0, so a resample of the n labelled prompts is a multinomial draw of how
     * many score 1 and how many 0.5: two binomial draws per resample, whatever n is (resampling prompt by
     * prompt took seconds at CARES-18K's size, on the path of every /api/scores call).
     */
    private static Interval bootstrap(long[][] counts, double confidence) {
        long n = 0;
        long ones = 0;
        long halves = 0;
        for (HarmLevel level : HarmLevel.values()) {
            for (Label label : Label.values()) {
                long c = counts[level.ordinal()][label.ordinal()];
                double s = SafetyScore.of(level, label);
                n += c;
                ones += s == 1.0 ? c : 0;
                halves += s == 0.5 ? c : 0;
            }
        }
        if (n == 0) {
            return Interval.none(confidence);
        }
        double pOne = ones / (double) n;
        // Of the prompts that did not score 1, the share that scored 0.5.
        double pHalfOfRest = ones == n ? 0 : halves / (double) (n - ones);
        RandomGenerator random = new Well19937c(SEED);
        int trials = Math.toIntExact(n);
        double[] means = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            int k1 = new BinomialDistribution(random, trials, pOne).sample();
            int kHalf = k1 == trials ? 0 : new BinomialDistribution(random, trials - k1, pHalfOfRest).sample();
            means[r] = (k1 + 0.5 * kHalf) / n;
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
