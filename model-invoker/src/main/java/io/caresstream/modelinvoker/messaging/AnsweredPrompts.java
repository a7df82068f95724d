package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private final String keyPrefix;
    private final TopicSnapshot responses;
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicLong outputTokens = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final ModelControl control;

    public AnsweredPrompts(ModelSettings settings, ModelControl control,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry) {
        this.modelId = settings.id();
        this.keyPrefix = EventKeys.responsePrefix(settings.id());
        this.control = control;
        // Following the topic needs no haste: fewer, larger fetches spare the broker.
        this.responses = new TopicSnapshot(bootstrap, registry, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "model-invoker.answered." + settings.id(),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
    }

    void start(@Observes StartupEvent start) {
        Thread reader = new Thread(this::read, "answered-prompts");
        reader.setDaemon(true);
        reader.start();
    }

    void stop(@Observes ShutdownEvent stop) {
        responses.stop();
    }

    public boolean answered(String promptId) {
        return answered.contains(promptId);
    }

    /** A response this instance has just published. */
    public void record(ResponseEvent response) {
        if (response.getStatus() == ResponseStatus.OK) {
            if (answered.add(response.getPromptId()) && response.getUsage() != null) {
                inputTokens.addAndGet(response.getUsage().getInputTokens());
                outputTokens.addAndGet(response.getUsage().getOutputTokens());
            }
        }
    }

    public int count() {
        return answered.size();
    }

    /** Mean output tokens of this model's answers so far, if any. */
    public OptionalDouble meanOutputTokens() {
        int n = answered.size();
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(outputTokens.get() / (double) n);
    }

    private void read() {
        long started = System.nanoTime();
        try {
            // Our own keys only, and only prompts not known yet (this instance's answers are known already).
            responses.<ResponseEvent>follow(Topics.RESPONSES,
                    key -> key.startsWith(keyPrefix) && !answered.contains(key.substring(keyPrefix.length())),
                    (key, response) -> record(response),
                    () -> {
                        LOG.infof("model %s: %d prompts already answered (read in %.1f s); taking prompts", modelId,
                                answered.size(), (System.nanoTime() - started) / 1e9);
                        control.started();
                    });
        } catch (RuntimeException e) {
            LOG.errorf(e, "model %s: cannot read the responses topic", modelId);
            control.stop("cannot read the responses already published: " + e.getMessage());
        }
    }
}
