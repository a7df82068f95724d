package io.caresstream.modelinvoker.messaging;

import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.work.CompletedWork;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.SpendingLedger;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.modelinvoker.domain.ModelSettings;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prompts this model has already answered, from the model's own answered topic ({@link Topics#answered}):
 * read at start (the prompt channel waits until this has caught up), then followed, so this model's instances
 * see each other's answers. A prompt redelivered after a crash or a rebalance, or published again by a
 * re-import, is answered from here instead of calling (and paying for) the model again. Only answers count: a
 * prompt whose earlier call ended in an error is tried again. What is read at start grows with this model's own
 * answers, whatever the number of models; the ids are kept on disk, not on the heap.
 */
@ApplicationScoped
public class AnsweredPrompts {

    private static final Logger LOG = Logger.getLogger(AnsweredPrompts.class);

    private final String modelId;
    private final CompletedWork answers;
    private final AtomicLong outputTokens = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final ModelControl control;
    private final SpendingLedger spending;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The shared setting that holds caps raised (or lowered) at run time. */
    private static final String CAPS = "spending-caps";

    public AnsweredPrompts(ModelSettings settings, ModelControl control, SpendingLedger spending,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry,
                           @ConfigProperty(name = "cares.health.consumer-group") String group,
                           @ConfigProperty(name = "cares.topics.replication-factor", defaultValue = "1") short replication,
                           @ConfigProperty(name = "cares.work.state-dir") Path stateDir,
                           @ConfigProperty(name = "mp.messaging.outgoing.responses.linger.ms") int linger,
                           ClientSecurity security) {
        this.modelId = settings.id();
        this.control = control;
        this.spending = spending;
        // Read once, on the first start after an upgrade: the answers this model published before its answered topic.
        TopicSnapshot responses = new TopicSnapshot(bootstrap, registry, security, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "model-invoker.answered." + settings.id(),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
        CompletedWork.Earlier<ResponseEvent> earlier = new CompletedWork.Earlier<>(responses, Topics.RESPONSES,
                EventKeys.responsePrefix(settings.id()), AnsweredPrompts::isAnswer, AnsweredPrompts::usage);
        this.answers = new CompletedWork(new CompletedWork.Settings(bootstrap, security, Topics.answered(settings.id()),
                group, replication, stateDir, linger), earlier, this::countTokens);
        answers.onSetting((name, value) -> {
            if (CAPS.equals(name)) {
                try {
                    spending.setCaps(JSON.readValue(value, SpendingLedger.Caps.class));
                    control.reviewSpending();
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("model %s: unreadable spending caps on its answered topic, ignored: %s", modelId,
                            e.getMessage());
                }
            }
        });
    }

    /** Sets the model's spending caps for all its instances (they read them from the answered topic). */
    public void publishCaps(SpendingLedger.Caps caps) {
        try {
            answers.publishSetting(CAPS, JSON.writeValueAsBytes(caps));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        spending.setCaps(caps);
        control.reviewSpending();
    }

    /**
     * Only answers count, and a provider's block is one (the model as deployed refused): a prompt whose earlier
     * call ended in an error is tried again.
     */
    private static boolean isAnswer(ResponseEvent response) {
        return response.getStatus() != ResponseStatus.ERROR;
    }

    private static CompletedWork.Usage usage(ResponseEvent response) {
        return response.getUsage() == null ? CompletedWork.Usage.NONE
                : new CompletedWork.Usage(response.getUsage().getInputTokens(), response.getUsage().getOutputTokens());
    }

    void start(@Observes StartupEvent start) {
        long started = System.nanoTime();
        answers.start("answered-prompts", () -> {
            LOG.infof("model %s: %d prompts already answered (read in %.1f s); taking prompts", modelId,
                    answers.count(), (System.nanoTime() - started) / 1e9);
            control.started();
        }, e -> {
            LOG.errorf(e, "model %s: cannot read its answered prompts", modelId);
            control.stop("cannot read the prompts already answered: " + e.getMessage());
        });
    }

    /** Once the messaging is closed, so that the last results' done records are written (CompletedWork#stop). */
    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class)
              @Priority(CompletedWork.STOP_PRIORITY) Object event) {
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

    /**
     * A response this instance has just published (the broker acknowledged it). An answer completes when the
     * model's answered topic has it too; acknowledge the prompt then.
     */
    public CompletionStage<Void> published(ResponseEvent response) {
        return isAnswer(response) ? answers.published(response.getPromptId(), usage(response))
                : releaseUnanswered(response.getPromptId());
    }

    private CompletionStage<Void> releaseUnanswered(String promptId) {
        answers.abandoned(promptId);
        return CompletableFuture.completedFuture(null);
    }

    /** The prompt's claim ended without a published response. */
    public void abandoned(String promptId) {
        answers.abandoned(promptId);
    }

    private void countTokens(CompletedWork.Usage usage, long atMs) {
        inputTokens.addAndGet(usage.inputTokens());
        outputTokens.addAndGet(usage.outputTokens());
        spending.add(usage.inputTokens(), usage.outputTokens(), atMs);
        control.reviewSpending();
    }

    public long count() {
        return answers.count();
    }

    /** Mean output tokens of this model's answers so far, if any. */
    public OptionalDouble meanOutputTokens() {
        long n = answers.count();
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(outputTokens.get() / (double) n);
    }
}
