package io.caresstream.suites.variants;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A reproducible pseudo-random order: sorting by {@link #rank} picks "random" items that depend only
 * on the seed and the items themselves, never on input order or on the JVM.
 */
public final class SeededOrder {

    private SeededOrder() {
    }

    public static long rank(long seed, String item) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((seed + ":" + item).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
