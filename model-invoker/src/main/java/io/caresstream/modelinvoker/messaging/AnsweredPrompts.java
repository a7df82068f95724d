package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.serde.CompletedWork;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.ModelSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prompts this model has already answered, read from the responses topic: from the beginning at
 * start (the prompt channel waits until this has caught up) and then as responses arrive. A prompt
 * redelivered after a crash or a rebalance is answered from here instead of calling (and paying for)
 * the model again. Only answers count: a prompt whose earlier call ended in an error is tried again.
 */
@ApplicationScoped
public class AnsweredPrompts {

    private static final Logger LOG = Logger.getLogger(AnsweredPrompts.class);

    private final String modelId;
    private final CompletedWork<ResponseEvent> answers;
    private final AtomicLong outputTokens = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final ModelControl control;

    public AnsweredPrompts(ModelSettings settings, ModelControl control,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry, ClientSecurity security) {
        this.modelId = settings.id();
        this.control = control;
        // Following the topic needs no haste: fewer, larger fetches spare the broker.
        TopicSnapshot responses = new TopicSnapshot(bootstrap, registry, security, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "model-invoker.answered." + settings.id(),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
        // Only answers count: a prompt whose earlier call ended in an error is tried again.
        this.answers = new CompletedWork<>(responses, Topics.RESPONSES, EventKeys.responsePrefix(settings.id()),
                response -> response.getStatus() == ResponseStatus.OK, this::countTokens);
    }

    void start(@Observes StartupEvent start) {
        long started = System.nanoTime();
        answers.start("answered-prompts", () -> {
            LOG.infof("model %s: %d prompts already answered (read in %.1f s); taking prompts", modelId,
                    answers.count(), (System.nanoTime() - started) / 1e9);
            control.started();
        }, e -> {
            LOG.errorf(e, "model %s: cannot read the responses topic", modelId);
            control.stop("cannot read the responses already published: " + e.getMessage());
        });
    }

    void stop(@Observes ShutdownEvent stop) {
        answers.stop();
    }

    public boolean answered(String promptId) {
        return answers.isDone(promptId);
    }

    /**
     * Whether this instance should call the model for the prompt: not when it is answered, nor when an earlier
     * delivery of it is still being answered and its answer then reaches the broker. A true claim must end in
     * {@link #published} or {@link #abandoned}.
     */
    public boolean claim(String promptId) throws InterruptedException {
        return answers.claim(promptId);
    }

    /** A response this instance has just published (the broker acknowledged it). */
    public void published(ResponseEvent response) {
        answers.published(response.getPromptId(), response);
    }

    /** The prompt's claim ended without a published response. */
    public void abandoned(String promptId) {
        answers.abandoned(promptId);
    }

    private void countTokens(ResponseEvent response) {
        if (response.getUsage() != null) {
            inputTokens.addAndGet(response.getUsage().getInputTokens());
            outputTokens.addAndGet(response.getUsage().getOutputTokens());
        }
    }

    public int count() {
        return answers.count();
    }

    /** Mean output tokens of this model's answers so far, if any. */
    public OptionalDouble meanOutputTokens() {
        int n = answers.count();
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(outputTokens.get() / (double) n);
    }
}
