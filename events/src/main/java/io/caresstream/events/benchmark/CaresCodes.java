package io.caresstream.events.benchmark;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;

import java.util.Locale;
import java.util.Optional;

/** The CARES-18K encodings (principle_index, harmful_level, method strings) and our enums. */
public final class CaresCodes {

    private CaresCodes() {
    }

    public static Optional<Principle> principle(int index) {
        Principle[] all = Principle.values();
        return index >= 0 && index < all.length ? Optional.of(all[index]) : Optional.empty();
    }

    public static Optional<HarmLevel> harmLevel(int level) {
        HarmLevel[] all = HarmLevel.values();
        return level >= 0 && level < all.length ? Optional.of(all[level]) : Optional.empty();
    }

    /** Accepts the data set's spellings: direct, indirect, obfuscate, role_play (any case). */
    public static Optional<Method> method(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String normalized = code.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Method method : Method.values()) {
            if (method.name().equals(normalized)) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }

    /** The data set's spelling of a method, e.g. ROLE_PLAY -> role_play. */
    public static String code(Method method) {
        return method.name().toLowerCase(Locale.ROOT);
    }
}
