package io.caresstream.scorer.rest;

import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.views.ScoreViews;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Every refusal says why, as {"error": ...}, with the status that fits. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response notReady(ClusterStores.NotReadyException e) {
        return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ServerExceptionMapper
    public Response notSaved(io.caresstream.scorer.messaging.HumanLabelPublisher.NotSavedException e) {
        return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknown(ScoreViews.UnknownScoreException e) {
        return error(Response.Status.NOT_FOUND, e.getMessage());
    }

    /**
     * A request body that is not the JSON expected: 400 naming the field and the reason. (Quarkus' own mappers for
     * the narrower types answer without a reason: they are named here so this one is chosen.)
     */
    @ServerExceptionMapper({com.fasterxml.jackson.core.JsonProcessingException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class})
    public Response unreadable(com.fasterxml.jackson.core.JsonProcessingException e) {
        return error(Response.Status.BAD_REQUEST, io.caresstream.events.text.JsonBodyError.describe(e));
    }

    @ServerExceptionMapper
    public Response client(WebApplicationException e) {
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
            return unreadable(json); // a body the JSON reader refused before the resource ran
        }
        return error(Response.Status.fromStatusCode(e.getResponse().getStatus()), e.getMessage());
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }
}
