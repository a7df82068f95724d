package io.caresstream.judge.domain;

import io.caresstream.events.JudgeProvenance;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.providers.ChatClient;
import io.caresstream.providers.ChatClients;
import io.caresstream.providers.Completion;
import io.caresstream.providers.ProviderException;
import io.caresstream.providers.StartRehearsal;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;

/**
 * Judges one response: exactly one judgment per response. Failed model calls are recorded as
 * RESPONSE_ERROR and never judged; answers that cannot be parsed after the retry budget are UNJUDGEABLE.
 * With cares.judge.kind=heuristic the model-free phrase rules judge instead, marked heuristic.
 */
@ApplicationScoped
public class Judge {

    private static final Logger LOG = Logger.getLogger(Judge.class);
    private static final String BUILT_IN_RUBRIC = "rubric/cares-rubric-v1.txt";

    private final String judgeId;
    private final JudgeHealth health;
    private final java.time.Duration retryAfterFatal;
    private final Optional<HeuristicJudge> heuristic;
    private final ChatClient client;
    private final Rubric rubric;
    private final int parseAttempts;
    /** How long each call to the judge model took, answered or failed: the endpoint's latency as seen from here. */
    private final Timer answered;
    private final Timer failed;
    /**
     * What every judgment records of the judge, made once each (an Avro builder copies its schema's defaults on every
     * build): judged by the model, by a simulation, or by the phrase rules. Events never change after they are
     * built, so judgments share them.
     */
    private final JudgeProvenance byModel;
    private final JudgeProvenance bySimulation;
    private final JudgeProvenance byRules;

    public Judge(JudgeSettings settings, JudgeHealth health, MeterRegistry metrics) {
        this.health = health;
        this.retryAfterFatal = settings.retryAfterFatal();
        this.judgeId = io.caresstream.providers.ModelIds.requireVersion("cares.judge.id", settings.id());
        this.parseAttempts = Math.max(1, settings.parseAttempts());
        this.answered = metrics.timer("cares.judge.latency", "judge", judgeId, "status", "ok");
        this.failed = metrics.timer("cares.judge.latency", "judge", judgeId, "status", "error");
        switch (settings.kind()) {
            case "heuristic" -> {
                this.heuristic = Optional.of(settings.heuristicRulesFile().map(HeuristicJudge::fromFile)
                        .orElseGet(HeuristicJudge::builtIn));
                this.client = null;
                this.rubric = null;
                LOG.infof("judge %s: HEURISTIC (model-free phrase rules %s, %s)", judgeId, heuristic.get().name(),
                        heuristic.get().version());
            }
            case "llm" -> {
                this.heuristic = Optional.empty();
                this.client = ChatClients.create(settings.toSpec());
                this.rubric = loadRubric(settings);
                LOG.infof("judge %s: %s %s at %s, rubric %s (%s)", judgeId, settings.provider(), settings.modelName(),
                        settings.baseUrl(), rubric.name(), rubric.version());
            }
            default -> throw new IllegalArgumentException("cares.judge.kind must be llm or heuristic, got '"
                    + settings.kind() + "'");
        }
        this.byRules = heuristic.isPresent() ? newHeuristicProvenance() : null;
        this.byModel = client == null ? null : newProvenance(false);
        this.bySimulation = client == null ? null : newProvenance(true);
    }

    /**
     * Calls rehearsed at start against a loopback server of the process's own (ChatClients.rehearse), never the
     * endpoint: the first prompts then meet the provider's mapping and the HTTP client loaded and compiled, not
     * seconds of it on a busy machine. The start takes that much longer (2,000 calls: about 1.7 s and 2.8 CPU s).
     */
    void rehearse(@Observes StartupEvent start,
                  @ConfigProperty(name = StartRehearsal.CALLS, defaultValue = StartRehearsal.DEFAULT_CALLS) int calls,
                  @ConfigProperty(name = StartRehearsal.IN_FLIGHT, defaultValue = StartRehearsal.DEFAULT_IN_FLIGHT) int inFlight) {
        if (client == null) {
            return; // a heuristic judge calls no model
        }
        StartRehearsal.run("judge " + judgeId, client.spec(), calls, inFlight);
    }

    public String judgeId() {
        return judgeId;
    }

    /** llm or heuristic. */
    public String kind() {
        return heuristic.isPresent() ? "heuristic" : "llm";
    }

    /** The rubric's or the rules' content hash, recorded on every judgment. */
    public String version() {
        return heuristic.map(HeuristicJudge::version).orElseGet(() -> rubric.version());
    }

    /** Where the rubric or the rules came from: a file, or the built-in one. */
    public String versionSource() {
        return heuristic.map(HeuristicJudge::name).orElseGet(() -> rubric.name());
    }

    public JudgmentEvent judge(ResponseEvent response) {
        JudgmentEvent.Builder judgment = JudgmentEvent.newBuilder()
                .setJudgeId(judgeId)
                .setModelId(response.getModelId())
                .setPromptId(response.getPromptId())
                .setMetadata(response.getMetadata())
                .setModel(response.getModel())
                .setJudgedAt(Instant.now());
        if (response.getStatus() == ResponseStatus.BLOCKED) {
            // The provider's filter refused for the model: a refusal by the model as deployed, with no text to judge.
            JudgeProvenance judge = heuristic.isPresent() ? byRules : byModel;
            return judgment.setJudge(judge).setOutcome(JudgmentOutcome.BLOCKED).setLabel(Label.REFUSE)
                    .setReason(response.getBlockReason()).setAttempts(0).build();
        }
        if (response.getStatus() == ResponseStatus.ERROR) {
            JudgeProvenance judge = heuristic.isPresent() ? byRules : byModel;
            return judgment.setJudge(judge).setOutcome(JudgmentOutcome.RESPONSE_ERROR)
                    .setReason(response.getError()).setAttempts(0).build();
        }
        if (heuristic.isPresent()) {
            HeuristicJudge.Verdict verdict = heuristic.get().judge(response.getText());
            return judgment.setJudge(byRules).setOutcome(JudgmentOutcome.LABELLED)
                    .setLabel(verdict.label()).setRawAnswer(verdict.evidence()).setAttempts(1).build();
        }
        String question = rubric.render(response.getPrompt(), response.getText() == null ? "" : response.getText());
        String lastAnswer = null;
        String reason = null;
        boolean simulated = false;
        for (int attempt = 1; attempt <= parseAttempts; attempt++) {
            try {
                Completion answer = callHealing(question);
                simulated |= answer.simulated();
                lastAnswer = answer.text();
                Optional<Label> label = LabelParser.parse(lastAnswer);
                if (label.isPresent()) {
                    return judgment.setJudge(provenance(simulated)).setOutcome(JudgmentOutcome.LABELLED)
                            .setLabel(label.get()).setRawAnswer(lastAnswer).setAttempts(attempt).build();
                }
                reason = "answer has no single label";
            } catch (ProviderException e) {
                reason = "judge call failed: " + e.getMessage();
            }
        }
        LOG.warnf("response %s/%s unjudgeable after %d attempts: %s", response.getModelId(), response.getPromptId(),
                parseAttempts, reason);
        return judgment.setJudge(provenance(simulated)).setOutcome(JudgmentOutcome.UNJUDGEABLE)
                .setRawAnswer(lastAnswer).setReason(reason).setAttempts(parseAttempts).build();
    }

    /**
     * Calls the judge model. A failure that will not heal (key refused, model or endpoint not found, server
     * unreachable) must not turn every response into "unjudgeable": the judge is held, readiness reports
     * why, and the call is tried again every retry-after-fatal until it works. Since every call waits, no
     * further response is taken meanwhile and offsets stay uncommitted.
     */
    private Completion callHealing(String question) {
        while (true) {
            long started = System.nanoTime();
            try {
                Completion answer = client.complete(Optional.empty(), question);
                answered.record(answer.latencyMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
                health.healed();
                return answer;
            } catch (ProviderException e) {
                failed.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (e.kind() != ProviderException.Kind.FATAL) {
                    throw e;
                }
                health.held(e.getMessage());
                try {
                    Thread.sleep(retryAfterFatal.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private JudgeProvenance provenance(boolean simulated) {
        return simulated ? bySimulation : byModel;
    }

    private JudgeProvenance newHeuristicProvenance() {
        return JudgeProvenance.newBuilder()
                .setJudgeId(judgeId)
                .setProvider("heuristic")
                .setModelName(heuristic.orElseThrow().name())
                .setRubricVersion(heuristic.orElseThrow().version())
                .setHeuristic(true)
                .setSimulated(false)
                .build();
    }

    private JudgeProvenance newProvenance(boolean simulated) {
        return JudgeProvenance.newBuilder()
                .setJudgeId(judgeId)
                .setProvider(client.spec().provider())
                .setModelName(client.spec().modelName())
                .setRubricVersion(rubric.version())
                .setHeuristic(false)
                .setSimulated(client.spec().simulated() || simulated)
                .build();
    }

    private static Rubric loadRubric(JudgeSettings settings) {
        try {
            if (settings.rubricFile().isPresent()) {
                return Rubric.of(settings.rubricFile().get().toString(),
                        Files.readString(settings.rubricFile().get(), StandardCharsets.UTF_8));
            }
            try (InputStream in = Judge.class.getClassLoader().getResourceAsStream(BUILT_IN_RUBRIC)) {
                if (in == null) {
                    throw new IllegalStateException("built-in rubric " + BUILT_IN_RUBRIC + " is missing");
                }
                return Rubric.of("cares-rubric-v1", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the judge rubric", e);
        }
    }
}
