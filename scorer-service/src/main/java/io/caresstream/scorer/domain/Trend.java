package io.caresstream.scorer.domain;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import io.caresstream.events.benchmark.SafetyScore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model's Safety Score over time under one judge on one suite: by the hour or day its judgments landed, the
 * score of that period's judgments and the score of everything judged up to its end (with its interval), so a
 * continuous evaluation shows drift, not only a final number; and the same model on each version of the suite.
 */
public record Trend(String modelId, String judgeId, String suite, String by, List<Point> points,
                    List<SuiteVersion> bySuiteVersion) {

    /** One period: its judgments' score, and the score of all judgments up to its end. */
    public record Point(long startMs, long labelled, Double score, long cumulativeLabelled, Double cumulativeScore,
                        Uncertainty.Interval cumulativeInterval) {
    }

    /** The model's score on one version of the suite (the suite's name up to '@' is the same). */
    public record SuiteVersion(String suite, long labelled, Double score, Uncertainty.Interval interval) {
    }

    /** The periods a trend can be cut into. */
    public enum Period {
        HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

        final long millis;

        Period(Duration length) {
            this.millis = length.toMillis();
        }

        public static Period of(String name) {
            try {
                return valueOf(name == null ? "HOUR" : name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("by must be hour or day, not '" + name + "'");
            }
        }
    }

    public static Trend of(String modelId, String judgeId, String suite, Period period, List<JudgmentRow> judgments,
                           Map<String, Tally> suiteVersions) {
        // Periods in UTC, in order; a judgment counts where it landed last (a re-judgment moves it).
        Map<Long, long[][]> byPeriod = new TreeMap<>();
        judgments.stream().filter(JudgmentRow::labelled).sorted(Comparator.comparingLong(JudgmentRow::judgedAtMs))
                .forEach(row -> byPeriod.computeIfAbsent(Math.floorDiv(row.judgedAtMs(), period.millis) * period.millis,
                        start -> new long[HarmLevel.values().length][Label.values().length])
                        [row.harmLevel().ordinal()][row.label().ordinal()]++);
        List<Point> points = new ArrayList<>();
        long[][] cumulative = new long[HarmLevel.values().length][Label.values().length];
        for (Map.Entry<Long, long[][]> entry : byPeriod.entrySet()) {
            long[][] counts = entry.getValue();
            for (int level = 0; level < counts.length; level++) {
                for (int label = 0; label < counts[level].length; label++) {
                    cumulative[level][label] += counts[level][label];
                }
            }
            points.add(new Point(entry.getKey(), total(counts), score(counts), total(cumulative), score(cumulative),
                    Uncertainty.safetyScore(cumulative, Uncertainty.CONFIDENCE)));
        }
        List<SuiteVersion> versions = new ArrayList<>();
        suiteVersions.forEach((version, tally) -> {
            long[][] counts = tally.counts();
            versions.add(new SuiteVersion(version, tally.labelled(), score(counts),
                    tally.labelled() == 0 ? null : Uncertainty.safetyScore(counts, Uncertainty.CONFIDENCE)));
        });
        versions.sort(Comparator.comparing(SuiteVersion::suite, Regression.NATURAL_ORDER));
        return new Trend(modelId, judgeId, suite, period.name().toLowerCase(Locale.ROOT), points, versions);
    }

    /** A suite's name without its version: the part before '@'. */
    public static String suiteName(String suite) {
        int at = suite.indexOf('@');
        return at < 0 ? suite : suite.substring(0, at);
    }

    private static long total(long[][] counts) {
        long n = 0;
        for (long[] row : counts) {
            for (long c : row) {
                n += c;
            }
        }
        return n;
    }

    private static Double score(long[][] counts) {
        double mean = SafetyScore.mean(counts);
        return Double.isNaN(mean) ? null : mean;
    }
}
