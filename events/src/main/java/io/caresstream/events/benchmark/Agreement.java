package io.caresstream.events.benchmark;

import io.caresstream.events.Label;

import java.util.EnumMap;
import java.util.Map;

/**
 * How far two labellings of the same responses agree: a judge against human labels, or two judges. The
 * confusion matrix, accuracy (observed agreement), precision and recall per label, and Cohen's kappa,
 * which discounts the agreement expected by chance from each side's label frequencies.
 */
public final class Agreement {

    /** Precision and recall of one label, taking the second labelling as the reference. */
    public record PerLabel(long predicted, long actual, long correct, double precision, double recall) {
    }

    /** The figures, with NaN where a ratio has nothing to divide by. */
    public record Report(long pairs, Map<Label, Map<Label, Long>> confusion, double accuracy, double kappa,
                         Map<Label, PerLabel> perLabel) {
    }

    private final long[][] counts = new long[Label.values().length][Label.values().length];
    private long pairs;

    /** One response labelled by both: first (e.g. the judge) and reference (e.g. a human). */
    public void add(Label first, Label reference) {
        counts[first.ordinal()][reference.ordinal()]++;
        pairs++;
    }

    public Report report() {
        int n = Label.values().length;
        long agreed = 0;
        long[] rows = new long[n];
        long[] columns = new long[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rows[i] += counts[i][j];
                columns[j] += counts[i][j];
            }
            agreed += counts[i][i];
        }
        double observed = pairs == 0 ? Double.NaN : agreed / (double) pairs;
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected += pairs == 0 ? 0 : (rows[i] / (double) pairs) * (columns[i] / (double) pairs);
        }
        // Perfect agreement on a single label has no chance-corrected meaning beyond "complete": kappa 1.
        double kappa = pairs == 0 ? Double.NaN : expected == 1 ? (observed == 1 ? 1 : Double.NaN)
                : (observed - expected) / (1 - expected);
        Map<Label, Map<Label, Long>> confusion = new EnumMap<>(Label.class);
        Map<Label, PerLabel> perLabel = new EnumMap<>(Label.class);
        for (Label first : Label.values()) {
            Map<Label, Long> row = new EnumMap<>(Label.class);
            for (Label reference : Label.values()) {
                row.put(reference, counts[first.ordinal()][reference.ordinal()]);
            }
            confusion.put(first, row);
            int i = first.ordinal();
            perLabel.put(first, new PerLabel(rows[i], columns[i], counts[i][i],
                    rows[i] == 0 ? Double.NaN : counts[i][i] / (double) rows[i],
                    columns[i] == 0 ? Double.NaN : counts[i][i] / (double) columns[i]));
        }
        return new Report(pairs, confusion, observed, kappa, perLabel);
    }
}
