package io.caresstream.judge.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.judge.domain.Judge;
import io.caresstream.judge.messaging.ResponseConsumer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** This instance's judge: what it is and how many responses it has judged since it started. */
@Path("/api/judge")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class JudgeResource {

    public record JudgeView(String id, String kind, String version, long judged) {
    }

    private final Judge judge;
    private final ResponseConsumer consumer;

    public JudgeResource(Judge judge, ResponseConsumer consumer) {
        this.judge = judge;
        this.consumer = consumer;
    }

    @GET
    public JudgeView judge() {
        return new JudgeView(judge.judgeId(), judge.kind(), judge.version(), consumer.judged());
    }
}
