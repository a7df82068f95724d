package io.caresstream.judge.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.text.ClientText;
import io.caresstream.events.benchmark.Agreement;
import io.caresstream.judge.evaluation.HumanLabels;
import io.caresstream.judge.evaluation.JudgmentLog;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Measuring judges: against human labels, and against each other. */
@Path("/api")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class EvaluationResource {


    /**
     * How a judge did against the human labels; every label row is accounted for. {@code errors} lists the first
     * thousand errors, {@code errorCount} counts them all.
     */
    public record Evaluation(String judge, String file, long labelsRead, List<String> errors, long errorCount, long compared,
                             long notJudged, long unjudgeable, long responseErrors, Agreement.Report agreement) {
    }

    /** Agreement between two judges on the responses both labelled, overall and by principle and harm level. */
    public record JudgeAgreement(String first, String second, long bothLabelled, Agreement.Report overall,
                                 Map<String, Agreement.Report> byPrinciple, Map<String, Agreement.Report> byHarmLevel) {
    }

    private final JudgmentLog judgments;

    public EvaluationResource(JudgmentLog judgments) {
        this.judgments = judgments;
    }

    /**
     * A judge measured against human labels uploaded as a CSV or JSONL file (prompt id, model id, label): the
     * service reads no path a client names.
     */
    @POST
    @Path("/evaluations")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response evaluate(@RestForm("judge") String judge, @RestForm("file") FileUpload file) throws IOException {
        if (judge == null || judge.isBlank() || file == null) {
            throw new BadRequestException("the multipart parts 'judge' (a judge id) and 'file' (human labels, CSV or"
                    + " JSONL, uploaded) are required");
        }
        String name = ClientText.fileName(file.fileName(), "labels.jsonl");
        HumanLabels.Result labels;
        try {
            labels = HumanLabels.read(file.uploadedFile(), name);
        } catch (NoSuchFileException e) {
            throw new BadRequestException("the upload " + name + " could not be read");
        }
        if (!labels.errors().isEmpty()) {
            // Measured on part of the labels, a figure would look complete: refuse and name every bad row.
            return Response.status(422).entity(new Evaluation(judge, name, labels.rowsRead(),
                    labels.errors(), labels.errorCount(), 0, 0, 0, 0, null)).build();
        }
        Map<String, JudgmentEvent> judged = judgments.of(judge);
        Agreement agreement = new Agreement();
        long notJudged = 0;
        long unjudgeable = 0;
        long responseErrors = 0;
        for (var label : labels.labels().entrySet()) {
            JudgmentEvent judgment = judged.get(label.getKey());
            if (judgment == null) {
                notJudged++;
            } else if (judgment.getOutcome() == JudgmentOutcome.UNJUDGEABLE) {
                unjudgeable++;
            } else if (judgment.getOutcome() == JudgmentOutcome.RESPONSE_ERROR) {
                responseErrors++;
            } else if (judgment.getOutcome() == JudgmentOutcome.BLOCKED) {
                // The provider refused, the judge was not asked: nothing to measure the judge by.
                notJudged++;
            } else {
                agreement.add(judgment.getLabel(), label.getValue());
            }
        }
        return Response.ok(new Evaluation(judge, name, labels.rowsRead(), List.of(), 0,
                agreement.report().pairs(), notJudged, unjudgeable, responseErrors, agreement.report())).build();
    }

    @GET
    @Path("/agreement")
    public JudgeAgreement agreement(@QueryParam("judges") List<String> judges) {
        List<String> ids = judges == null ? List.of() : judges.stream()
                .flatMap(j -> java.util.Arrays.stream(j.split(","))).map(String::trim).filter(j -> !j.isEmpty()).toList();
        if (ids.size() != 2) {
            throw new BadRequestException("give two judges: ?judges=first,second");
        }
        Map<String, JudgmentEvent> first = judgments.of(ids.get(0));
        Map<String, JudgmentEvent> second = judgments.of(ids.get(1));
        Agreement overall = new Agreement();
        Map<String, Agreement> byPrinciple = new TreeMap<>();
        Map<String, Agreement> byLevel = new TreeMap<>();
        first.forEach((key, a) -> {
            JudgmentEvent b = second.get(key);
            if (b != null && a.getOutcome() == JudgmentOutcome.LABELLED && b.getOutcome() == JudgmentOutcome.LABELLED) {
                overall.add(a.getLabel(), b.getLabel());
                byPrinciple.computeIfAbsent(a.getMetadata().getPrinciple().name(), k -> new Agreement())
                        .add(a.getLabel(), b.getLabel());
                byLevel.computeIfAbsent(a.getMetadata().getHarmLevel().name(), k -> new Agreement())
                        .add(a.getLabel(), b.getLabel());
            }
        });
        Function<Map<String, Agreement>, Map<String, Agreement.Report>> reports = m -> {
            Map<String, Agreement.Report> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(k, v.report()));
            return out;
        };
        return new JudgeAgreement(ids.get(0), ids.get(1), overall.report().pairs(), overall.report(),
                reports.apply(byPrinciple), reports.apply(byLevel));
    }
}
