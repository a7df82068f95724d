package io.caresstream.promptgenerator.domain;

import io.caresstream.suites.variants.SeededOrder;
import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which prompts of a suite to keep: filters on principle index, harm level, method and generator
 * (empty = all), then optionally a stratified sample of {@code sample} prompts. Strata are principle x
 * harm level x method; each gets its proportional share (cumulative rounding), and within a stratum
 * the prompts with the smallest seeded hash of their id are taken, so the sample depends on the seed
 * and the suite, never on the order of the file.
 */
public record Selection(Set<Integer> principles, Set<Integer> harmLevels, Set<String> methods, Set<String> generators,
                        Integer sample, Long seed) {

    public static final Selection ALL = new Selection(null, null, null, null, null, null);

    public Selection {
        principles = principles == null ? Set.of() : Set.copyOf(principles);
        harmLevels = harmLevels == null ? Set.of() : Set.copyOf(harmLevels);
        methods = methods == null ? Set.of() : Set.copyOf(methods);
        generators = generators == null ? Set.of() : Set.copyOf(generators);
        seed = seed == null ? 0L : seed;
        if (sample != null && sample < 1) {
            throw new IllegalArgumentException("sample must be at least 1, got " + sample);
        }
        for (Integer p : principles) {
            CaresCodes.principle(p).orElseThrow(() -> new IllegalArgumentException("principle must be 0..7, got " + p));
        }
        for (Integer h : harmLevels) {
            CaresCodes.harmLevel(h).orElseThrow(() -> new IllegalArgumentException("harm level must be 0..3, got " + h));
        }
        for (String m : methods) {
            CaresCodes.method(m).orElseThrow(() -> new IllegalArgumentException("unknown method '" + m + "'"));
        }
    }

    public List<PromptEvent> apply(List<PromptEvent> prompts) {
        List<PromptEvent> kept = prompts.stream().filter(this::matches).toList();
        return sample == null || sample >= kept.size() ? kept : stratifiedSample(kept);
    }

    private boolean matches(PromptEvent prompt) {
        PromptMetadata m = prompt.getMetadata();
        return (principles.isEmpty() || principles.contains(m.getPrinciple().ordinal()))
                && (harmLevels.isEmpty() || harmLevels.contains(m.getHarmLevel().ordinal()))
                && (methods.isEmpty() || methods.stream().anyMatch(code -> CaresCodes.method(code).orElseThrow() == m.getMethod()))
                && (generators.isEmpty() || generators.contains(m.getGenerator()));
    }

    private List<PromptEvent> stratifiedSample(List<PromptEvent> prompts) {
        // Strata ordered by harm level, then principle, then method.
        Map<String, List<PromptEvent>> strata = new TreeMap<>();
        for (PromptEvent prompt : prompts) {
            PromptMetadata m = prompt.getMetadata();
            String key = m.getHarmLevel().ordinal() + "/" + m.getPrinciple().ordinal() + "/" + m.getMethod().ordinal();
            strata.computeIfAbsent(key, k -> new ArrayList<>()).add(prompt);
        }
        // Cumulative rounding: each stratum gets its exact share rounded up or down, and so does every run of
        // consecutive strata, so each harm level's total is as exact as whole prompts allow.
        List<PromptEvent> chosen = new ArrayList<>(sample);
        long before = 0;
        long cumulative = 0;
        for (List<PromptEvent> members : strata.values()) {
            cumulative += members.size();
            long upTo = Math.round((double) sample * cumulative / prompts.size());
            members.stream()
                    .sorted(Comparator.comparingLong(p -> SeededOrder.rank(seed, p.getPromptId())))
                    .limit(upTo - before)
                    .forEach(chosen::add);
            before = upTo;
        }
        return chosen;
    }
}
