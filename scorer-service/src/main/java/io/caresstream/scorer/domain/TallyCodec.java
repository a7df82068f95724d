package io.caresstream.scorer.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tally as bytes: a version, the generator names, the outcome counts, then either the counts that are not
 * zero, each as its cell's index and its count, or, when that would be larger, the whole block. The stores read
 * and write a tally on every judgment, so this must cost microseconds (JSON took most of the scorer's time): a
 * partition's delta of a fraction of a second has only a few cells set, so writing only those spares allocating
 * and copying the whole block, while a partition's running tally has most cells set, and the whole block is then
 * both smaller and copied in one go. Versions 1 (the whole block) and 2 (sparse), written before cells had a slot
 * for blocked responses, are still read.
 */
public final class TallyCodec {

    private static final byte DENSE = 1;
    private static final byte SPARSE = 2;
    /** Sparse, with four slots per cell: the three labels and the blocked responses. */
    private static final byte SPARSE_WITH_BLOCKED = 3;
    /** The whole block, with four slots per cell. */
    private static final byte DENSE_WITH_BLOCKED = 4;
    private static final int SLOTS_BEFORE_BLOCKED = 3;

    private TallyCodec() {
    }

    public static byte[] encode(Tally tally) {
        List<byte[]> names = new ArrayList<>();
        long[] counts = tally.counts;
        int visits = tally.cellsToVisit();
        int set = 0;
        for (int i = 0; i < visits; i++) {
            if (counts[tally.cellToVisit(i)] != 0) {
                set++;
            }
        }
        boolean dense = 12L * set > 8L * counts.length;
        int size = 1 + 4 + 8 + 8 + 1 + (dense ? 8 * counts.length : 4 + 12 * set);
        for (String generator : tally.generators) {
            byte[] name = generator.getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 4 + name.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(dense ? DENSE_WITH_BLOCKED : SPARSE_WITH_BLOCKED).putInt(names.size());
        names.forEach(name -> buffer.putInt(name.length).put(name));
        buffer.putLong(tally.unjudgeable).putLong(tally.responseErrors).put((byte) (tally.simulated ? 1 : 0));
        if (dense) {
            buffer.asLongBuffer().put(counts);
            return buffer.array();
        }
        buffer.putInt(set);
        for (int i = 0; i < visits; i++) {
            int cell = tally.cellToVisit(i);
            if (counts[cell] != 0) {
                buffer.putInt(cell).putLong(counts[cell]);
            }
        }
        return buffer.array();
    }

    public static Tally decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        if (version < DENSE || version > DENSE_WITH_BLOCKED) {
            throw new IllegalArgumentException("unknown scoreboard encoding version " + version);
        }
        int generatorCount = buffer.getInt();
        List<String> generators = new ArrayList<>(generatorCount);
        for (int g = 0; g < generatorCount; g++) {
            byte[] name = new byte[buffer.getInt()];
            buffer.get(name);
            generators.add(new String(name, StandardCharsets.UTF_8));
        }
        long unjudgeable = buffer.getLong();
        long responseErrors = buffer.getLong();
        boolean simulated = buffer.get() == 1;
        long[] counts = new long[generatorCount * Tally.CELLS_PER_GENERATOR];
        if (version == DENSE_WITH_BLOCKED) {
            buffer.asLongBuffer().get(counts);
        } else if (version == DENSE) {
            for (int cell = 0; cell < counts.length / Tally.SLOTS * SLOTS_BEFORE_BLOCKED; cell++) {
                counts[withBlockedSlot(cell)] = buffer.getLong();
            }
        } else {
            for (int set = buffer.getInt(); set > 0; set--) {
                int cell = buffer.getInt();
                counts[version == SPARSE ? withBlockedSlot(cell) : cell] = buffer.getLong();
            }
        }
        return new Tally(generators, counts, unjudgeable, responseErrors, simulated);
    }

    /** Where a cell of the three-slot layout lies in the four-slot one. */
    private static int withBlockedSlot(int cell) {
        return cell / SLOTS_BEFORE_BLOCKED * Tally.SLOTS + cell % SLOTS_BEFORE_BLOCKED;
    }
}
