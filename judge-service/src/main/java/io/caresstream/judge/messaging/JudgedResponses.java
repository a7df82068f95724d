package io.caresstream.judge.messaging;

import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CompletedWork;
import io.caresstream.judge.domain.Judge;
import io.caresstream.judge.domain.JudgeSettings;
import io.caresstream.judge.domain.RubricPin;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The responses this judge has already judged, from the judge's own judged topic ({@link Topics#judged}): a
 * response redelivered after a crash, a rebalance or a broker restart is not judged (and its judge call not paid
 * for) again. A RESPONSE_ERROR judgment costs no call and does not count: the model may answer that prompt later.
 * What is read at start grows with this judge's own judgments, not with every judge's. The judged topic also
 * binds the judge's id to its rubric ({@link RubricPin}): a judge started with another rubric under an id already
 * bound judges nothing and exits.
 */
@ApplicationScoped
public class JudgedResponses {

    private static final Logger LOG = Logger.getLogger(JudgedResponses.class);

    private final String judgeId;
    private final CompletedWork judgments;

    public JudgedResponses(JudgeSettings settings, Judge judge,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry,
                           @ConfigProperty(name = "cares.health.consumer-group") String group,
                           @ConfigProperty(name = "cares.topics.replication-factor", defaultValue = "1") short replication,
                           @ConfigProperty(name = "cares.work.state-dir") Path stateDir,
                           @ConfigProperty(name = "mp.messaging.outgoing.judgments.linger.ms") int linger,
                           ClientSecurity security) {
        this.judgeId = settings.id();
        // Read once, on the first start after an upgrade: what this judge judged before its judged topic existed.
        TopicSnapshot reader = new TopicSnapshot(bootstrap, registry, security, Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "judge-service.judged." + settings.id(),
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500"));
        CompletedWork.Earlier<JudgmentEvent> earlier = new CompletedWork.Earlier<>(reader, Topics.JUDGMENTS,
                EventKeys.judgePrefix(settings.id()), JudgedResponses::counts, judgment -> CompletedWork.Usage.NONE);
        this.judgments = new CompletedWork(new CompletedWork.Settings(bootstrap, security, Topics.judged(settings.id()),
                group, replication, stateDir, linger), earlier, (usage, atMs) -> { });
        judgments.bind(judge.version(), bound -> refuse(new RubricPin(judgeId, bound, judge.version(),
                judge.versionSource())));
    }

    /** Started with another rubric under an id already bound: no response is judged, and the process ends. */
    private static void refuse(RubricPin pin) {
        LOG.error(pin.message());
        Quarkus.asyncExit(EXIT_RUBRIC_CHANGED);
    }

    /** The exit status of a judge started with another rubric under its id (as a misconfiguration: EX_CONFIG). */
    static final int EXIT_RUBRIC_CHANGED = 78;

    private static boolean counts(JudgmentEvent judgment) {
        return judgment.getOutcome() != JudgmentOutcome.RESPONSE_ERROR;
    }

    void start(@Observes StartupEvent start) {
        long started = System.nanoTime();
        judgments.start("judged-responses", () -> LOG.infof("judge %s: %d responses already judged (read in %.1f s)",
                judgeId, judgments.count(), (System.nanoTime() - started) / 1e9),
                e -> LOG.errorf(e, "judge %s: cannot read its judged responses; redelivered responses may be judged again",
                        judgeId));
    }

    /** Once the messaging is closed, so that the last results' done records are written (CompletedWork#stop). */
    void stop(@Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class)
              @Priority(CompletedWork.STOP_PRIORITY) Object event) {
        judgments.stop();
    }

    /**
     * Why this instance may not judge yet, if it may not: it is still reading what this judge judged before, or
     * the judge's id is bound to another rubric (then it judges nothing and exits).
     */
    public Optional<String> notReadyBecause() {
        if (judgments.foreignBinding().isPresent()) {
            return Optional.of("judge id " + judgeId + " is bound to rubric " + judgments.foreignBinding().get()
                    + ", not to this instance's; see the log");
        }
        return judgments.isCaughtUp() ? Optional.empty()
                : Optional.of("reading the responses judge " + judgeId + " has already judged");
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

    /**
     * A judgment this instance has just published (the broker acknowledged it). It completes when the judge's
     * judged topic has it too; acknowledge the response then.
     */
    public CompletionStage<Void> published(JudgmentEvent judgment) {
        String id = EventKeys.response(judgment.getModelId(), judgment.getPromptId());
        if (!counts(judgment)) {
            judgments.abandoned(id);
            return CompletableFuture.completedFuture(null);
        }
        return judgments.published(id, CompletedWork.Usage.NONE);
    }

    /** The claim ended without a published judgment. */
    public void abandoned(String modelId, String promptId) {
        judgments.abandoned(EventKeys.response(modelId, promptId));
    }
}
