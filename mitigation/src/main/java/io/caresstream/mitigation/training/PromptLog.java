package io.caresstream.mitigation.training;

import io.caresstream.events.PromptEvent;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.events.topics.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A suite as the prompt log holds it: every prompt published into it, the imported rows and every rewrite the
 * prompt-generator added since (an attacker's included), each labelled by its method and harm level. The log is
 * read once to its end, without a consumer group; the latest event of a prompt counts, as it does downstream.
 */
final class PromptLog {

    /** The prompts of one suite, and how many prompts each other suite on the log holds (to name them). */
    record Suite(List<Trainer.Example> examples, Map<String, Long> otherSuites) {
    }

    private static final long PROGRESS_EVERY = 10_000;

    private PromptLog() {
    }

    static Suite read(String bootstrapServers, String registryUrl, String suite) {
        Map<String, Trainer.Example> examples = new TreeMap<>();
        Map<String, Long> others = new TreeMap<>();
        long[] read = {0};
        new TopicSnapshot(bootstrapServers, registryUrl, ClientSecurity.none())
                .<PromptEvent>read(Topics.PROMPTS, key -> true, (key, prompt) -> {
                    if (++read[0] % PROGRESS_EVERY == 0) {
                        System.out.printf("  read %,d prompts of the log%n", read[0]);
                    }
                    if (prompt == null) {
                        examples.remove(key);
                    } else if (prompt.getMetadata().getSuite().equals(suite)) {
                        examples.put(key, Trainer.Example.of(prompt));
                    } else {
                        others.merge(prompt.getMetadata().getSuite(), 1L, Long::sum);
                    }
                });
        return new Suite(new ArrayList<>(examples.values()), others);
    }

    /** The test side of a split by base prompt: a rewrite is never tested on a base prompt it was trained with. */
    static Predicate<Trainer.Example> testSide() {
        // Salted: the trainer holds a fifth out by the plain hash to calibrate, which must not be all test prompts.
        return example -> Math.floorMod(("test/" + example.basePromptId()).hashCode(), 5) == 0;
    }
}
