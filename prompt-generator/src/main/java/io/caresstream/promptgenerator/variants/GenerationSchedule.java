package io.caresstream.promptgenerator.variants;

import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.Method;

import java.util.List;
import java.util.Locale;

/**
 * A recurring generation: on the cron (Quartz syntax, e.g. "0 0 2 * * ?" for 02:00 every day), new
 * rewrites in each method of a sample of the suite's base prompts (all of them without a sample). The
 * seed is the day, so each run brings new rewrites and a second run the same day adds nothing.
 *
 * @param generator for obfuscate: deterministic (model-free, the default) or attacker
 */
public record GenerationSchedule(String name, String suite, String cron, List<String> methods, String generator,
                                 Integer sample) {

    public GenerationSchedule {
        require(name, "name");
        require(suite, "suite");
        require(cron, "cron");
        methods = methods == null || methods.isEmpty() ? List.of("obfuscate") : List.copyOf(methods);
        methods.forEach(GenerationSchedule::method);
        generator = generator == null || generator.isBlank() ? "deterministic" : generator.toLowerCase(Locale.ROOT);
        generator(Method.OBFUSCATE, generator);
        if (sample != null && sample < 1) {
            throw new IllegalArgumentException("sample must be at least 1 base prompt, got " + sample);
        }
    }

    /** A method code of a rewrite style. */
    public static Method method(String code) {
        return CaresCodes.method(code).filter(m -> m != Method.DIRECT).orElseThrow(() -> new IllegalArgumentException(
                "method '" + code + "' is not a rewrite style (indirect, obfuscate, role_play)"));
    }

    /** The generator for a method: obfuscate as asked, the others always by the attacker model. */
    public static VariantGenerator.Generator generator(Method method, String generator) {
        VariantGenerator.Generator chosen = VariantGenerator.Generator.parse(generator);
        return method == Method.OBFUSCATE ? chosen : VariantGenerator.Generator.ATTACKER;
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
    }
}
