package io.caresstream.events.serde;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.PromptEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads the whole prompt log once, up to its current end, keeping the prompts that match (latest per id): for the
 * rare work that needs a suite's prompts themselves (a suite's variants, a forecast), which then costs memory only
 * while it runs, not for as long as the service runs.
 */
@ApplicationScoped
public class PromptLogScan {

    private final TopicSnapshot snapshot;

    public PromptLogScan(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                         @ConfigProperty(name = "cares.registry.url") String registry, ClientSecurity security) {
        this.snapshot = new TopicSnapshot(bootstrap, registry, security);
    }

    /** The prompts that match, by prompt id, in the order the log holds them. */
    public Map<String, PromptEvent> prompts(Predicate<PromptEvent> keep) {
        Map<String, PromptEvent> kept = new LinkedHashMap<>();
        snapshot.<PromptEvent>read(Topics.PROMPTS, key -> true, (key, prompt) -> {
            if (keep.test(prompt)) {
                kept.put(prompt.getPromptId(), prompt);
            }
        });
        return kept;
    }

    /** The prompts of a suite, in prompt-id order. */
    public List<PromptEvent> suite(String suite) {
        return List.copyOf(new TreeMap<>(prompts(prompt -> prompt.getMetadata().getSuite().equals(suite))).values());
    }
}
