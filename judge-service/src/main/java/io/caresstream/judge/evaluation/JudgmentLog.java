package io.caresstream.judge.evaluation;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.serde.TopicSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.Map;

/** The judgments a judge has published, read from the judgments topic (the latest per response). */
@ApplicationScoped
public class JudgmentLog {

    private final TopicSnapshot snapshot;

    public JudgmentLog(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                       @ConfigProperty(name = "cares.registry.url") String registry, ClientSecurity security) {
        this.snapshot = new TopicSnapshot(bootstrap, registry, security);
    }

    /** A judge's judgments by "modelId|promptId". */
    public Map<String, JudgmentEvent> of(String judgeId) {
        Map<String, JudgmentEvent> judgments = new HashMap<>();
        String prefix = judgeId + "|";
        snapshot.<JudgmentEvent>read(Topics.JUDGMENTS, key -> key.startsWith(prefix), (key, judgment) ->
                judgments.put(HumanLabels.key(judgment.getModelId(), judgment.getPromptId()), judgment));
        return judgments;
    }
}
