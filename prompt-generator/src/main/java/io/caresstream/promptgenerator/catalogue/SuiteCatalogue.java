package io.caresstream.promptgenerator.catalogue;

import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.promptgenerator.domain.SuiteSummary;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The suites as the prompt log records them, whoever imported them and whenever: every prompt event read from the
 * log is counted under its suite once by prompt id, so a re-published prompt counts once.
 * <p>
 * Only ids and counts are kept, not the prompts: the log only grows, and holding every prompt filled the service's
 * heap (about 1 KB a prompt: 160,000 prompts took 165 of its 256 MB, and every import then paid for full
 * collections). Work that needs a suite's prompts reads them from the log ({@code PromptLogScan}).
 */
@ApplicationScoped
public class SuiteCatalogue {

    /** One suite: where it came from, the ids of its prompts, and their counts. */
    private static final class Suite {
        private final PromptMetadata first;
        private final Set<String> ids = new HashSet<>();
        private final Map<String, Long> byPrinciple = new TreeMap<>();
        private final Map<String, Long> byHarmLevel = new TreeMap<>();
        private final Map<String, Long> byMethod = new TreeMap<>();

        Suite(PromptMetadata first) {
            this.first = first;
        }

        synchronized void add(PromptEvent prompt) {
            if (ids.add(prompt.getPromptId())) {
                PromptMetadata metadata = prompt.getMetadata();
                byPrinciple.merge(metadata.getPrinciple().name(), 1L, Long::sum);
                byHarmLevel.merge(metadata.getHarmLevel().name(), 1L, Long::sum);
                byMethod.merge(CaresCodes.code(metadata.getMethod()), 1L, Long::sum);
            }
        }

        synchronized SuiteSummary summary(String suite) {
            return new SuiteSummary(suite, first.getDataset().getDataset(), first.getDataset().getRevision(),
                    first.getDataset().getSplit(), ids.size(), new TreeMap<>(byPrinciple), new TreeMap<>(byHarmLevel),
                    new TreeMap<>(byMethod));
        }

        synchronized Set<String> ids() {
            return new HashSet<>(ids);
        }
    }

    private final Map<String, Suite> suites = new ConcurrentHashMap<>();

    public void record(PromptEvent prompt) {
        suites.computeIfAbsent(prompt.getMetadata().getSuite(), s -> new Suite(prompt.getMetadata())).add(prompt);
    }

    public Collection<SuiteSummary> summaries() {
        return new TreeMap<>(suites).entrySet().stream().map(e -> e.getValue().summary(e.getKey())).toList();
    }

    public Optional<SuiteSummary> summary(String suite) {
        return Optional.ofNullable(suites.get(suite)).map(known -> known.summary(suite));
    }

    /** How many prompts each suite holds once these are on the log as well (a prompt already there counts once). */
    public Map<String, Long> sizesWith(Collection<PromptEvent> prompts) {
        Map<String, Set<String>> ids = new HashMap<>();
        for (PromptEvent prompt : prompts) {
            ids.computeIfAbsent(prompt.getMetadata().getSuite(), suite -> Optional.ofNullable(suites.get(suite))
                    .map(Suite::ids).orElseGet(HashSet::new)).add(prompt.getPromptId());
        }
        Map<String, Long> sizes = new HashMap<>();
        ids.forEach((suite, all) -> sizes.put(suite, (long) all.size()));
        return sizes;
    }
}
