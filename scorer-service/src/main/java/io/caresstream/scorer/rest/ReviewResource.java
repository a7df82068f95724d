package io.caresstream.scorer.rest;

import io.caresstream.events.HumanLabelEvent;
import io.caresstream.events.Label;
import io.caresstream.events.security.Roles;
import io.caresstream.scorer.domain.HumanLabel;
import io.caresstream.scorer.domain.HumanReview;
import io.caresstream.scorer.domain.ReviewCase;
import io.caresstream.scorer.messaging.HumanLabelPublisher;
import io.caresstream.scorer.views.ReviewViews;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The human review queue: the responses the judges disagree on, needed retries for or could not label, and a
 * sample of the rest; the label a person gives each; and the judges and scores measured against those labels.
 * Reading and labelling the queue shows harmful prompts and makes the reference labels: the operator's.
 */
@Path("/api/review")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewResource {

    /** A person's label of a response; {@code label} is Accept, Caution or Refuse (Reject is Refuse). */
    public record LabelRequest(String modelId, String promptId, String label, String note) {
    }

    static final int MAX_NOTE = 2000;

    private final ReviewViews views;
    private final HumanLabelPublisher publisher;
    private final SecurityIdentity caller;

    public ReviewResource(ReviewViews views, HumanLabelPublisher publisher, SecurityIdentity caller) {
        this.views = views;
        this.publisher = publisher;
        this.caller = caller;
    }

    @GET
    @Path("/queue")
    @RolesAllowed(Roles.OPERATOR)
    public ReviewViews.Queue queue(@QueryParam("suite") String suite, @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > ScoreResource.MAX_ROWS) {
            throw new BadRequestException("query parameter 'limit' must be between 1 and " + ScoreResource.MAX_ROWS
                    + ", not " + limit);
        }
        return views.queue(suite == null || suite.isBlank() ? null : suite, limit);
    }

    /** Saves a person's label of a judged response; the latest label of a response is the one that counts. */
    @POST
    @Path("/labels")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public HumanLabel label(LabelRequest request) {
        if (request == null) {
            throw new BadRequestException("send {\"modelId\", \"promptId\", \"label\"} as JSON");
        }
        String modelId = required("modelId", request.modelId());
        String promptId = required("promptId", request.promptId());
        Label label = label(required("label", request.label()));
        if (request.note() != null && request.note().length() > MAX_NOTE) {
            throw new BadRequestException("field 'note' is longer than " + MAX_NOTE + " characters");
        }
        ReviewCase judged = views.reviewable(modelId, promptId).orElseThrow(() -> new NotFoundException(
                "no judged response of model '" + modelId + "' to prompt '" + promptId + "' to label"));
        HumanLabelEvent event = HumanLabelEvent.newBuilder().setModelId(modelId).setPromptId(promptId)
                .setSuite(judged.suite()).setLabel(label).setReviewer(caller.getPrincipal().getName())
                .setReviewedAt(Instant.now()).setNote(request.note() == null || request.note().isBlank()
                        ? null : request.note().strip())
                .build();
        publisher.publish(event);
        return HumanLabel.of(event);
    }

    /** Each judge against the people's labels: accuracy with its interval, kappa, the confusion matrix. */
    @GET
    @Path("/judges")
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    public List<HumanReview.JudgeAgainstHumans> judges() {
        return views.judges();
    }

    /** Every score as the judge gave it and with the people's labels overriding the judge's where they exist. */
    @GET
    @Path("/scores")
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    public List<HumanReview.HumanLabelledScore> scores(@QueryParam("suite") String suite) {
        return views.scores(suite == null || suite.isBlank() ? null : suite);
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("field '" + field + "' is required");
        }
        return value.strip();
    }

    private static Label label(String value) {
        String name = value.toUpperCase(Locale.ROOT);
        if (name.equals("REJECT")) {
            return Label.REFUSE;
        }
        try {
            return Label.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("field 'label': unknown label '" + value + "', use Accept, Caution or Refuse");
        }
    }
}
