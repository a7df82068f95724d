package io.caresstream.judge.messaging;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.serde.CompletedWork;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.events.topics.Topics;
import io.caresstream.judge.domain.JudgeSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * The responses this judge has already judged, read from the judgments topic: a response redelivered after
 * a crash, a rebalance or a broker restart is not judged (and its judge call not paid for) again. A
 * RESPONSE_ERROR judgment costs no call and does not count: the model may answer that prompt later.
 */
@ApplicationScoped
public class JudgedResponses {

    private static final Logger LOG = Logger.getLogger(JudgedResponses.class);

    private final String judgeId;
    private final CompletedWork<JudgmentEvent> judgments;

    public JudgedResponses(JudgeSettings settings,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry, ClientSecurity security) {
        this.judgeId = settings.id();
        TopicSnapshot reader = new TopicSnapshot(bootstrap, registry, security, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "judge-service.judged." + settings.id(),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
        this.judgments = new CompletedWork<>(reader, Topics.JUDGMENTS, EventKeys.judgePrefix(settings.id()),
                judgment -> judgment.getOutcome() != JudgmentOutcome.RESPONSE_ERROR, judgment -> { });
    }

    void start(@Observes StartupEvent start) {
        long started = System.nanoTime();
        judgments.start("judged-responses", () -> LOG.infof("judge %s: %d responses already judged (read in %.1f s)",
                judgeId, judgments.count(), (System.nanoTime() - started) / 1e9),
                e -> LOG.errorf(e, "judge %s: cannot read the judgments topic; redelivered responses may be judged again",
                        judgeId));
    }

    void stop(@Observes ShutdownEvent stop) {
        judgments.stop();
    }

    /**
     * Whether this instance should judge the model's answer to the prompt: not when it is judged, nor when an
     * earlier delivery of it is still being judged and its judgment then reaches the broker. Waits until the
     * judgments log is read. A true claim must end in {@link #published} or {@link #abandoned}.
     */
    public boolean claim(String modelId, String promptId) throws InterruptedException {
        judgments.awaitCaughtUp();
        return judgments.claim(EventKeys.response(modelId, promptId));
    }

    /** A judgment this instance has just published (the broker acknowledged it). */
    public void published(JudgmentEvent judgment) {
        judgments.published(EventKeys.response(judgment.getModelId(), judgment.getPromptId()), judgment);
    }

    /** The claim ended without a published judgment. */
    public void abandoned(String modelId, String promptId) {
        judgments.abandoned(EventKeys.response(modelId, promptId));
    }
}
