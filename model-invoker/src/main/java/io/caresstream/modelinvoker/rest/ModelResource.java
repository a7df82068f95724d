package io.caresstream.modelinvoker.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.modelinvoker.domain.CostForecast;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.Responder;
import io.caresstream.modelinvoker.domain.SpendingLedger;
import io.caresstream.modelinvoker.messaging.AnsweredPrompts;
import io.caresstream.events.serde.PromptLogScan;
import io.caresstream.providers.ChatModelSpec;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** This instance's model: what it is, whether it is taking prompts, pause and resume, and cost forecasts. */
@Path("/api/model")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ModelResource {

    /** The model's configuration as users may see it (never the key) and its state. */
    public record ModelView(String id, String provider, String modelName, String baseUrl, double temperature,
                            int maxTokens, Integer requestsPerMinute, Integer tokensPerMinute,
                            double inputPricePerMillion, double outputPricePerMillion, String apiKey,
                            ModelControl.Status status, long answered) {
    }

    private final Responder responder;
    private final ModelControl control;
    private final AnsweredPrompts answered;
    private final PromptLogScan promptLog;
    private final SpendingLedger spending;

    public ModelResource(Responder responder, ModelControl control, AnsweredPrompts answered, PromptLogScan promptLog,
                         SpendingLedger spending) {
        this.responder = responder;
        this.control = control;
        this.answered = answered;
        this.promptLog = promptLog;
        this.spending = spending;
    }

    /** What the model's answers have cost, all its instances together, against its spending caps. */
    @GET
    @Path("/spending")
    public SpendingLedger.Spending spending() {
        return spending.spending(java.time.Instant.now());
    }

    /**
     * Sets the model's daily and total caps in US dollars (null or absent: no cap) for every instance: a model
     * capped resumes at once when the new caps allow it.
     */
    @PUT
    @Path("/spending/caps")
    @RolesAllowed(Roles.OPERATOR)
    public SpendingLedger.Spending setCaps(SpendingLedger.Caps caps) {
        if (caps == null) {
            throw new BadRequestException("a JSON body is required, e.g. {\"dailyUsd\": 20, \"totalUsd\": 100}");
        }
        answered.publishCaps(caps);
        return spending();
    }

    @GET
    public ModelView model() {
        ChatModelSpec spec = responder.client().spec();
        return new ModelView(spec.id(), spec.provider(), spec.modelName(), spec.baseUrl(), spec.temperature(),
                spec.maxTokens(), spec.policy().requestsPerMinute().orElse(null),
                spec.policy().tokensPerMinute().orElse(null), spec.price().inputPerMillion(),
                spec.price().outputPerMillion(), spec.apiKey().toString(), control.status(), answered.count());
    }

    /** Stops taking prompts; calls in flight finish and their responses are published. */
    @POST
    @Path("/pause")
    @RolesAllowed(Roles.OPERATOR)
    public ModelControl.Status pause() {
        return control.pause();
    }

    /** Takes prompts again, after a pause or a stop (a stopped model's waiting calls are tried again). */
    @POST
    @Path("/resume")
    @RolesAllowed(Roles.OPERATOR)
    public ModelControl.Status resume() {
        return control.resume();
    }

    /** What evaluating a suite on this model will cost, before it runs (prompts already answered excluded). */
    @GET
    @Path("/forecast")
    public CostForecast.Forecast forecast(@QueryParam("suite") String suite) {
        if (suite == null || suite.isBlank()) {
            throw new BadRequestException("'suite' is required, e.g. ?suite=cares-18k/test@49f6ff9");
        }
        var prompts = promptLog.suite(suite);
        if (prompts.isEmpty()) {
            throw new NotFoundException("no suite '" + suite + "' on the prompt log");
        }
        return CostForecast.of(responder.client().spec(), suite, prompts, answered::answered,
                answered.meanOutputTokens());
    }
}
