package io.caresstream.scorer.domain;

import io.caresstream.events.benchmark.SafetyScore;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

import java.util.Arrays;
import java.util.Map;

/**
 * How sure a figure is. Rates get Wilson score intervals; the Safety Score, a mean of per-prompt scores
 * in {0, 0.5, 1}, gets a percentile bootstrap over its (harm level, label) counts, computed from the exact
 * resampling distribution so the same counts always give the same interval; paired differences get
 * Student's t; two models paired on the same prompts are compared with
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
    /** Labelled prompts up to which the Safety Score's bootstrap percentiles are computed exactly. */
    static final int EXACT_UP_TO = 2000;

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
                    return size() > 4096;
                }
            });

    /** Percentile bootstrap interval of the Safety Score from counts[harm level][label] (remembered per counts). */
    public static Interval safetyScore(long[][] counts, double confidence) {
        return RECENT.computeIfAbsent(Arrays.deepToString(counts) + "@" + confidence, k -> bootstrap(counts, confidence));
    }

    /**
     * Each prompt scores 1, 0.5 or 0, so a bootstrap resample of the n labelled prompts is a multinomial
     * draw: k1 prompts scoring 1 ~ Binomial(n, p1), then kHalf of the rest ~ Binomial(n - k1, q). Its
     * distribution is known, so up to {@value #EXACT_UP_TO} prompts the percentiles are computed from it
     * exactly instead of by drawing thousands of resamples (the infinite-resample bootstrap, deterministic).
     * Above that, the resampled mean is normal to well under a tenth of a point (Berry-Esseen), and the
     * exact sum would cost about a second per figure on a page that refreshes many times a minute, so its
     * normal limit N(mean, plug-in variance / n) is used.
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
        double tail = (1 - confidence) / 2;
        if (n > EXACT_UP_TO) {
            double mean = (ones + 0.5 * halves) / n;
            double variance = (ones + 0.25 * halves) / n - mean * mean;
            if (variance <= 0) {
                return new Interval(mean, mean, confidence);
            }
            NormalDistribution limit = new NormalDistribution(null, mean, Math.sqrt(variance / n));
            return new Interval(Math.max(0, limit.inverseCumulativeProbability(tail)),
                    Math.min(1, limit.inverseCumulativeProbability(1 - tail)), confidence);
        }
        ResampledScore resampled = new ResampledScore(Math.toIntExact(n), ones / (double) n,
                ones == n ? 0 : halves / (double) (n - ones));
        return new Interval(resampled.quantile(tail), resampled.quantile(1 - tail), confidence);
    }

    /** The bootstrap distribution of twice the score sum, 2 k1 + kHalf, on the grid 0..2n. */
    private static final class ResampledScore {
        /** Values of k1 beyond this many standard deviations carry no probability worth summing. */
        private static final double SPREAD = 8;
        private final int n;
        private final double q;
        private final int firstK1;
        private final double[] k1Probability;

        ResampledScore(int n, double pOne, double q) {
            this.n = n;
            this.q = q;
            BinomialDistribution k1 = new BinomialDistribution(null, n, pOne);
            double sd = Math.sqrt(n * pOne * (1 - pOne));
            firstK1 = (int) Math.max(0, Math.floor(n * pOne - SPREAD * sd - 1));
            int lastK1 = (int) Math.min(n, Math.ceil(n * pOne + SPREAD * sd + 1));
            k1Probability = new double[lastK1 - firstK1 + 1];
            for (int i = 0; i < k1Probability.length; i++) {
                k1Probability[i] = k1.probability(firstK1 + i);
            }
        }

        /** P(2 k1 + kHalf <= j). */
        double cumulative(int j) {
            double p = 0;
            for (int i = 0; i < k1Probability.length; i++) {
                int k1 = firstK1 + i;
                int room = j - 2 * k1;
                if (room < 0) {
                    break;
                }
                int rest = n - k1;
                double halvesAtMost = room >= rest ? 1 : q == 0 ? 1 : q == 1 ? 0
                        : new BinomialDistribution(null, rest, q).cumulativeProbability(room);
                p += k1Probability[i] * halvesAtMost;
            }
            return p;
        }

        /** The smallest score whose cumulative probability reaches the given one. */
        double quantile(double probability) {
            int low = 0;
            int high = 2 * n;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (cumulative(mid) >= probability - 1e-12) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            return low / (2.0 * n);
        }
    }

    /**
     * Interval of a mean paired difference (per-prompt scores of two models, or of a rewrite and its
     * direct prompt): Student's t on the differences. NaN bounds with fewer than two pairs.
     */
    public static Interval meanDifference(double[] differences, double confidence) {
        if (differences.length < 2) {
            return Interval.none(confidence);
        }
        SummaryStatistics statistics = new SummaryStatistics();
        for (double d : differences) {
            statistics.addValue(d);
        }
        double t = new TDistribution(null, differences.length - 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
        double halfWidth = t * statistics.getStandardDeviation() / Math.sqrt(differences.length);
        return new Interval(statistics.getMean() - halfWidth, statistics.getMean() + halfWidth, confidence);
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
