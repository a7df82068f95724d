package io.caresstream.scorer.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tally as bytes: a version, the generator names, the outcome counts, then the dense counts copied as
 * one block. The store reads and writes a tally on every judgment, so this must cost microseconds
 * (JSON took most of the scorer's time).
 */
public final class TallyCodec {

    private static final byte VERSION = 1;

    private TallyCodec() {
    }

    public static byte[] encode(Tally tally) {
        List<byte[]> names = new ArrayList<>();
        int size = 1 + 4 + 8 + 8 + 1 + 8 * tally.counts.length;
        for (String generator : tally.generators) {
            byte[] name = generator.getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 4 + name.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.put(VERSION).putInt(names.size());
        names.forEach(name -> buffer.putInt(name.length).put(name));
        buffer.putLong(tally.unjudgeable).putLong(tally.responseErrors).put((byte) (tally.simulated ? 1 : 0));
        buffer.asLongBuffer().put(tally.counts);
        return buffer.array();
    }

    public static Tally decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = buffer.get();
        if (version != VERSION) {
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
        buffer.asLongBuffer().get(counts);
        return new Tally(generators, counts, unjudgeable, responseErrors, simulated);
    }
}
