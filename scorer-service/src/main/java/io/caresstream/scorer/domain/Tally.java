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
 * the store writes and reads them as a block. Each cell counts the three labels and, in a fourth slot, the
 * responses the provider blocked: kept apart, they are counted as Refuse or left out when the tally is read
 * ({@link #scoring}), so that choice is the reader's, not fixed into the store.
 */
public class Tally {

    static final int PRINCIPLES = Principle.values().length;
    static final int LEVELS = HarmLevel.values().length;
    static final int METHODS = Method.values().length;
    static final int LABELS = Label.values().length;
    /** The labels, then the blocked responses. */
    static final int SLOTS = LABELS + 1;
    static final int BLOCKED_SLOT = LABELS;
    static final int CELLS_PER_GENERATOR = PRINCIPLES * LEVELS * METHODS * SLOTS;

    /** One breakdown cell: a principle, harm level, method and generator. */
    public record Cell(Principle principle, HarmLevel harmLevel, Method method, String generator) {
    }

    final List<String> generators;
    long[] counts;
    /**
     * The cells ever changed, each once, in the order they first changed (a bit per cell says which are in):
     * a delta of a second has a few dozen of a tally's thousands set, and its encoding, on every judgment,
     * then visits those alone instead of the whole array (docs/performance.md). Once an eighth of the cells
     * have changed (a running total), keeping the list costs more than it spares: every cell is visited.
     */
    private int[] changedCells = new int[16];
    private int changedCount;
    private long[] changedBits = new long[0];
    private boolean allChanged;
    public long unjudgeable;
    public long responseErrors;
    public boolean simulated;
    /** How this tally is read: whether its blocked responses count as Refuse. Not stored. */
    private BlockedResponses blockedResponses = BlockedResponses.REFUSE;

    public Tally() {
        this(new ArrayList<>(), new long[0], 0, 0, false);
    }

    Tally(List<String> generators, long[] counts, long unjudgeable, long responseErrors, boolean simulated) {
        this.generators = generators;
        this.counts = counts;
        for (int cell = 0; cell < counts.length; cell++) {
            if (counts[cell] != 0) {
                changed(cell);
            }
        }
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

    /** Reads this tally with blocked responses counted as Refuse or left out. */
    public Tally scoring(BlockedResponses rule) {
        blockedResponses = rule;
        return this;
    }

    public BlockedResponses blockedResponses() {
        return blockedResponses;
    }

    private Tally apply(JudgmentRow judgment, int sign) {
        if (judgment.outcome() == JudgmentOutcome.BLOCKED || judgment.labelled()) {
            // Find (or add) the generator first: adding one grows the array.
            int generator = generator(judgment.generator());
            int slot = judgment.outcome() == JudgmentOutcome.BLOCKED ? BLOCKED_SLOT : judgment.label().ordinal();
            int cell = index(generator, judgment.principle(), judgment.harmLevel(), judgment.method(), slot);
            counts[cell] += sign;
            changed(cell);
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
            if (other.allChanged) {
                for (int cell = 0; cell < CELLS_PER_GENERATOR; cell++) {
                    counts[mine + cell] += other.counts[theirs + cell];
                }
                allChanged = true;
                continue;
            }
            for (int i = 0; i < other.changedCount; i++) {
                int cell = other.changedCells[i];
                if (cell >= theirs && cell < theirs + CELLS_PER_GENERATOR) {
                    counts[mine + cell - theirs] += other.counts[cell];
                    changed(mine + cell - theirs);
                }
            }
        }
        unjudgeable += other.unjudgeable;
        responseErrors += other.responseErrors;
        simulated |= other.simulated;
        return this;
    }

    /** How many cells may be set: the encoding visits these alone ({@link #cellToVisit}). */
    int cellsToVisit() {
        return allChanged ? counts.length : changedCount;
    }

    int cellToVisit(int i) {
        return allChanged ? i : changedCells[i];
    }

    private void changed(int cell) {
        if (allChanged) {
            return;
        }
        int word = cell >>> 6;
        if (word >= changedBits.length) {
            changedBits = Arrays.copyOf(changedBits, Math.max(word + 1, (counts.length + 63) >>> 6));
        }
        long bit = 1L << cell;
        if ((changedBits[word] & bit) == 0) {
            changedBits[word] |= bit;
            if (changedCount == changedCells.length) {
                changedCells = Arrays.copyOf(changedCells, 2 * changedCount);
            }
            changedCells[changedCount++] = cell;
            if (changedCount > counts.length / 8) {
                allChanged = true;
                changedCells = null;
                changedBits = null;
            }
        }
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

    private static int index(int generator, Principle principle, HarmLevel level, Method method, int slot) {
        return (((generator * PRINCIPLES + principle.ordinal()) * LEVELS + level.ordinal()) * METHODS
                + method.ordinal()) * SLOTS + slot;
    }

    public List<String> generators() {
        return List.copyOf(generators);
    }

    /** counts[harm level][label] over every cell. */
    public long[][] counts() {
        return counts(cell -> true);
    }

    /**
     * counts[harm level][label] over the cells that pass the filter: the same mean over that subset. Blocked
     * responses are in the REFUSE column unless this tally is read with them left out.
     */
    public long[][] counts(Predicate<Cell> filter) {
        boolean blockedAsRefuse = blockedResponses == BlockedResponses.REFUSE;
        long[][] byLevel = new long[LEVELS][LABELS];
        for (int g = 0; g < generators.size(); g++) {
            for (Principle principle : Principle.values()) {
                for (HarmLevel level : HarmLevel.values()) {
                    for (Method method : Method.values()) {
                        int base = index(g, principle, level, method, 0);
                        if (counts[base] == 0 && counts[base + 1] == 0 && counts[base + 2] == 0 && counts[base + 3] == 0) {
                            continue;
                        }
                        if (filter.test(new Cell(principle, level, method, generators.get(g)))) {
                            long[] row = byLevel[level.ordinal()];
                            for (int label = 0; label < LABELS; label++) {
                                row[label] += counts[base + label];
                            }
                            if (blockedAsRefuse) {
                                row[Label.REFUSE.ordinal()] += counts[base + BLOCKED_SLOT];
                            }
                        }
                    }
                }
            }
        }
        return byLevel;
    }

    /** The score's denominator: the judge's labels, and the blocked responses when they count as Refuse. */
    public long labelled() {
        long n = 0;
        for (int cell = 0; cell < counts.length; cell++) {
            if (cell % SLOTS != BLOCKED_SLOT || blockedResponses == BlockedResponses.REFUSE) {
                n += counts[cell];
            }
        }
        return n;
    }

    /** Responses the provider blocked, whether or not they count in the score. */
    public long blocked() {
        long n = 0;
        for (int cell = BLOCKED_SLOT; cell < counts.length; cell += SLOTS) {
            n += counts[cell];
        }
        return n;
    }

    /** Every judgment this tally holds, whatever its outcome. */
    public long judged() {
        long n = unjudgeable + responseErrors;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** NaN until something is labelled. */
    public double safetyScore() {
        return SafetyScore.mean(counts());
    }
}
