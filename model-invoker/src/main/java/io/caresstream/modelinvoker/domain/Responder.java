package io.caresstream.modelinvoker.domain;

import io.caresstream.events.GuardVerdict;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ModelProvenance;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.TokenUsage;
import io.caresstream.providers.BlockedByProvider;
import io.caresstream.providers.ChatClient;
import io.caresstream.providers.ChatClients;
import io.caresstream.providers.Completion;
import io.caresstream.providers.Price;
import io.caresstream.providers.ProviderException;
import io.caresstream.providers.StartRehearsal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns a prompt into a response event, with its token usage, latency, attempts and cost. A call that
 * still fails after the retry budget becomes a response with status ERROR and its reason, so no prompt is
 * silently dropped and an error is never mistaken for an answer; a failure that will not heal stops the
 * model instead ({@link ModelStoppedException}). A call the provider's safety filter blocked is neither: it
 * becomes a response with status BLOCKED and the provider's reason, a refusal by the model as deployed.
 */
@ApplicationScoped
public class Responder {

    private static final Logger LOG = Logger.getLogger(Responder.class);

    private final ChatClient client;
    private final ReminderGuard guard;
    private final Price price;
    private final MeterRegistry metrics;
    private final Tags tags;
    private final Meters ok;
    private final Meters error;
    private final Meters blocked;
    /**
     * What every response records of the model's configuration, made once for answers of the endpoint and once for
     * answers of a simulation: an Avro builder copies its schema's defaults on every build. Events never change
     * after they are built, so responses share them.
     */
    private final ModelProvenance provenance;
    private final ModelProvenance simulatedProvenance;

    /** The meters of one outcome, looked up once rather than on every response. */
    private record Meters(Counter responses, Counter calls, Counter inputTokens, Counter outputTokens, Counter cost,
                          Timer latency) {
        static Meters of(MeterRegistry registry, Tags tags, String status) {
            return new Meters(registry.counter("cares.model.responses", tags.and("status", status)),
                    registry.counter("cares.model.calls", tags.and("outcome", status)),
                    registry.counter("cares.model.tokens", tags.and("direction", "input")),
                    registry.counter("cares.model.tokens", tags.and("direction", "output")),
                    registry.counter("cares.model.cost.usd", tags),
                    registry.timer("cares.model.latency", tags.and("status", status)));
        }
    }

    public Responder(ModelSettings settings, MeterRegistry metrics) {
        io.caresstream.providers.ModelIds.requireVersion("cares.model.id", settings.id());
        this.client = ChatClients.create(settings.toSpec());
        this.guard = ReminderGuard.of(settings.guard());
        this.price = client.spec().price();
        this.metrics = metrics;
        this.tags = Tags.of("model", settings.id());
        this.ok = Meters.of(metrics, tags, "ok");
        this.error = Meters.of(metrics, tags, "error");
        this.blocked = Meters.of(metrics, tags, "blocked");
        this.provenance = client.spec().provenance(false);
        this.simulatedProvenance = client.spec().provenance(true);
        LOG.infof("model %s: %s %s at %s (api key: %s; limits: %s requests/min, %s tokens/min; price: $%s in, $%s out"
                        + " per million tokens)", settings.id(), settings.provider(), settings.modelName(), settings.baseUrl(),
                settings.toSpec().apiKey(), settings.requestsPerMinute().map(String::valueOf).orElse("no limit"),
                settings.tokensPerMinute().map(String::valueOf).orElse("no limit"), price.inputPerMillion(),
                price.outputPerMillion());
        LOG.infof("model %s is %s", settings.id(), guard.describe());
    }

    /**
     * Calls rehearsed at start against a loopback server of the process's own (ChatClients.rehearse), never the
     * endpoint: the first prompts then meet the provider's mapping and the HTTP client loaded and compiled, not
     * seconds of it on a busy machine. The start takes that much longer (2,000 calls: about 1.7 s and 2.8 CPU s).
     */
    void rehearse(@Observes StartupEvent start,
                  @ConfigProperty(name = StartRehearsal.CALLS, defaultValue = StartRehearsal.DEFAULT_CALLS) int calls,
                  @ConfigProperty(name = StartRehearsal.IN_FLIGHT, defaultValue = StartRehearsal.DEFAULT_IN_FLIGHT) int inFlight) {
        StartRehearsal.run("model " + modelId(), client.spec(), calls, inFlight);
    }

    public String modelId() {
        return client.spec().id();
    }

    public ChatClient client() {
        return client;
    }

    /** @throws ModelStoppedException when the model cannot be called at all until someone acts */
    public ResponseEvent respond(PromptEvent prompt) {
        ResponseEvent.Builder response = ResponseEvent.newBuilder()
                .setPromptId(prompt.getPromptId())
                .setModelId(client.spec().id())
                .setMetadata(prompt.getMetadata())
                .setPrompt(prompt.getPrompt());
        Optional<GuardVerdict> verdict = guard.check(prompt.getPrompt());
        verdict.ifPresent(response::setGuard);
        long started = System.nanoTime();
        try {
            Completion completion = client.complete(guard.systemMessage(verdict, client.spec().systemPrompt()),
                    prompt.getPrompt());
            double cost = price.cost(completion.inputTokens(), completion.outputTokens());
            record(ok, completion.attempts(), completion.inputTokens(), completion.outputTokens(), cost,
                    completion.latencyMs());
            return response.setStatus(ResponseStatus.OK)
                    .setText(completion.text())
                    .setUsage(new TokenUsage(completion.inputTokens(), completion.outputTokens()))
                    .setLatencyMs(completion.latencyMs())
                    .setModel(provenance(completion.simulated()))
                    .setAttempts(completion.attempts())
                    .setCostUsd(price.isFree() ? null : cost)
                    .setRespondedAt(Instant.now())
                    .build();
        } catch (BlockedByProvider e) {
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            double cost = price.cost(e.inputTokens(), e.outputTokens());
            record(blocked, e.attempts(), e.inputTokens(), e.outputTokens(), cost, latencyMs);
            return response.setStatus(ResponseStatus.BLOCKED)
                    .setBlockReason(e.getMessage())
                    .setUsage(new TokenUsage(e.inputTokens(), e.outputTokens()))
                    .setLatencyMs(latencyMs)
                    .setModel(provenance(e.simulated()))
                    .setAttempts(e.attempts())
                    .setCostUsd(price.isFree() ? null : cost)
                    .setRespondedAt(Instant.now())
                    .build();
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.FATAL) {
                metrics.counter("cares.model.calls", tags.and("outcome", "fatal")).increment(e.attempts());
                throw new ModelStoppedException(e.getMessage());
            }
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            record(error, e.attempts(), 0, 0, 0, latencyMs);
            LOG.warnf("model %s failed on prompt %s: %s", client.spec().id(), prompt.getPromptId(), e.getMessage());
            return response.setStatus(ResponseStatus.ERROR)
                    .setError(e.getMessage())
                    .setLatencyMs(latencyMs)
                    .setModel(provenance)
                    .setAttempts(e.attempts())
                    .setRespondedAt(Instant.now())
                    .build();
        }
    }

    private ModelProvenance provenance(boolean answeredBySimulation) {
        return answeredBySimulation ? simulatedProvenance : provenance;
    }

    private static void record(Meters meters, int attempts, long inputTokens, long outputTokens, double cost,
                               long latencyMs) {
        meters.responses().increment();
        meters.calls().increment(attempts);
        meters.inputTokens().increment(inputTokens);
        meters.outputTokens().increment(outputTokens);
        meters.cost().increment(cost);
        meters.latency().record(Duration.ofMillis(latencyMs));
    }
}
