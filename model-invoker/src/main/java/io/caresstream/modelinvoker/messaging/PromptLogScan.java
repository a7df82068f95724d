package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.serde.TopicSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Reads the whole prompt log once, up to its current end, keeping the prompts that match (latest per id). */
@ApplicationScoped
public class PromptLogScan {

    private final TopicSnapshot snapshot;

    public PromptLogScan(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                         @ConfigProperty(name = "cares.registry.url") String registry, ClientSecurity security) {
        this.snapshot = new TopicSnapshot(bootstrap, registry, security);
    }

    public Map<String, PromptEvent> prompts(Predicate<PromptEvent> keep) {
        Map<String, PromptEvent> kept = new LinkedHashMap<>();
        snapshot.<PromptEvent>read(Topics.PROMPTS, key -> true, (key, prompt) -> {
            if (keep.test(prompt)) {
                kept.put(prompt.getPromptId(), prompt);
            }
        });
        return kept;
    }
}
