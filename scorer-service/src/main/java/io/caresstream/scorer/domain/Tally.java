package io.caresstream.scorer.domain;

import io.caresstream.events.benchmark.SafetyScore;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The running counts behind one model's score under one judge on one suite, by principle, harm level,
 * method, generator and label. Kafka Streams adds a judgment and subtracts the one it replaces, so
 * duplicates and re-judgments never double count. The counts are one dense array (generator-major), so
 * the store writes and reads them as a block.
 */
public class Tally {

    static final int PRINCIPLES = Principle.values().length;
    static final int LEVELS = HarmLevel.values().length;
    static final int METHODS = Method.values().length;
    static final int LABELS = Label.values().length;
    static final int CELLS_PER_GENERATOR = PRINCIPLES * LEVELS * METHODS * LABELS;

    /** One breakdown cell: a principle, harm level, method and generator. */
    public record Cell(Principle principle, HarmLevel harmLevel, Method method, String generator) {
    }

    final List<String> generators;
    long[] counts;
    public long unjudgeable;
    public long responseErrors;
    public boolean simulated;

    public Tally() {
        this(new ArrayList<>(), new long[0], 0, 0, false);
    }

    Tally(List<String> generators, long[] counts, long unjudgeable, long responseErrors, boolean simulated) {
        this.generators = generators;
        this.counts = counts;
        this.unjudgeable = unjudgeable;
        this.responseErrors = responseErrors;
        this.simulated = simulated;
    }

    public Tally add(JudgmentRow judgment) {
        return apply(judgment, 1);
    }

    public Tally remove(JudgmentRow judgment) {
        return apply(judgment, -1);
    }

    private Tally apply(JudgmentRow judgment, int sign) {
        if (judgment.labelled()) {
            // Find (or add) the generator first: adding one grows the array.
            int generator = generator(judgment.generator());
            counts[index(generator, judgment.principle(), judgment.harmLevel(), judgment.method(), judgment.label())] += sign;
        } else if (judgment.outcome() == JudgmentOutcome.RESPONSE_ERROR) {
            responseErrors += sign;
        } else {
            unjudgeable += sign;
        }
        if (sign > 0) {
            simulated |= judgment.simulated();
        }
        return this;
    }

    /** Adds another tally's counts (which may be negative: a delta) to this one. */
    public Tally plus(Tally other) {
        for (int g = 0; g < other.generators.size(); g++) {
            int mine = generator(other.generators.get(g)) * CELLS_PER_GENERATOR;
            int theirs = g * CELLS_PER_GENERATOR;
            for (int cell = 0; cell < CELLS_PER_GENERATOR; cell++) {
                counts[mine + cell] += other.counts[theirs + cell];
            }
        }
        unjudgeable += other.unjudgeable;
        responseErrors += other.responseErrors;
        simulated |= other.simulated;
        return this;
    }

    private int generator(String name) {
        int g = generators.indexOf(name);
        if (g < 0) {
            generators.add(name);
            counts = Arrays.copyOf(counts, generators.size() * CELLS_PER_GENERATOR);
            g = generators.size() - 1;
        }
        return g;
    }

    private static int index(int generator, Principle principle, HarmLevel level, Method method, Label label) {
        return (((generator * PRINCIPLES + principle.ordinal()) * LEVELS + level.ordinal()) * METHODS
                + method.ordinal()) * LABELS + label.ordinal();
    }

    public List<String> generators() {
        return List.copyOf(generators);
    }

    /** counts[harm level][label] over every cell. */
    public long[][] counts() {
        return counts(cell -> true);
    }

    /** counts[harm level][label] over the cells that pass the filter: the same mean over that subset. */
    public long[][] counts(Predicate<Cell> filter) {
        long[][] byLevel = new long[LEVELS][LABELS];
        for (int g = 0; g < generators.size(); g++) {
            for (Principle principle : Principle.values()) {
                for (HarmLevel level : HarmLevel.values()) {
                    for (Method method : Method.values()) {
                        int base = index(g, principle, level, method, Label.ACCEPT);
                        if (counts[base] == 0 && counts[base + 1] == 0 && counts[base + 2] == 0) {
                            continue;
                        }
                        if (filter.test(new Cell(principle, level, method, generators.get(g)))) {
                            for (int label = 0; label < LABELS; label++) {
                                byLevel[level.ordinal()][label] += counts[base + label];
                            }
                        }
                    }
                }
            }
        }
        return byLevel;
    }

    public long labelled() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** Every judgment this tally holds, whatever its outcome. */
    public long judged() {
        return labelled() + unjudgeable + responseErrors;
    }

    /** NaN until something is labelled. */
    public double safetyScore() {
        return SafetyScore.mean(counts());
    }
}
