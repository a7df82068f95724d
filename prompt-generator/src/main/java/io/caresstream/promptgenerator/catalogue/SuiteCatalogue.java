package io.caresstream.promptgenerator.catalogue;

import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.promptgenerator.domain.SuiteSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The suites as the prompt log records them, whoever imported them and whenever: every prompt event read
 * from the log is filed under its suite by prompt id, so a re-published prompt replaces itself.
 */
@ApplicationScoped
public class SuiteCatalogue {

    private final Map<String, Map<String, PromptEvent>> suites = new ConcurrentHashMap<>();

    public void record(PromptEvent prompt) {
        suites.computeIfAbsent(prompt.getMetadata().getSuite(), s -> new ConcurrentHashMap<>())
                .put(prompt.getPromptId(), prompt);
    }

    public Collection<SuiteSummary> summaries() {
        return new TreeMap<>(suites).entrySet().stream().map(e -> summary(e.getKey(), e.getValue().values())).toList();
    }

    public Optional<SuiteSummary> summary(String suite) {
        return Optional.ofNullable(suites.get(suite)).map(prompts -> summary(suite, prompts.values()));
    }

    /** How many prompts each suite holds once these are on the log as well (a prompt already there counts once). */
    public Map<String, Long> sizesWith(Collection<PromptEvent> prompts) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (PromptEvent prompt : prompts) {
            ids.computeIfAbsent(prompt.getMetadata().getSuite(),
                    suite -> new HashSet<>(suites.getOrDefault(suite, Map.of()).keySet())).add(prompt.getPromptId());
        }
        Map<String, Long> sizes = new HashMap<>();
        ids.forEach((suite, all) -> sizes.put(suite, (long) all.size()));
        return sizes;
    }

    /** The prompts of a suite, in prompt-id order. */
    public List<PromptEvent> prompts(String suite) {
        return new TreeMap<>(suites.getOrDefault(suite, Map.of())).values().stream().toList();
    }

    private static SuiteSummary summary(String suite, Collection<PromptEvent> prompts) {
        PromptMetadata any = prompts.iterator().next().getMetadata();
        return new SuiteSummary(suite, any.getDataset().getDataset(), any.getDataset().getRevision(),
                any.getDataset().getSplit(), prompts.size(),
                count(prompts, p -> p.getMetadata().getPrinciple().name()),
                count(prompts, p -> p.getMetadata().getHarmLevel().name()),
                count(prompts, p -> CaresCodes.code(p.getMetadata().getMethod())));
    }

    private static Map<String, Long> count(Collection<PromptEvent> prompts, Function<PromptEvent, String> key) {
        return prompts.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }
}
