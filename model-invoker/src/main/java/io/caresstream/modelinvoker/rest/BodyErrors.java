package io.caresstream.modelinvoker.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.caresstream.events.text.JsonBodyError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * A request body that is not the JSON expected (a negative spending cap, a word for a number) is answered 400 with
 * its reason and field, as {"error": ...}, not with Quarkus' empty body. (Its own mappers for the narrower types
 * answer without a reason: they are named here so this one is chosen.)
 */
public class BodyErrors {

    @ServerExceptionMapper({JsonProcessingException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class})
    public Response unreadable(JsonProcessingException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", JsonBodyError.describe(e))).build();
    }

    /** A body the JSON reader refused before the resource ran arrives wrapped: answered as above. */
    @ServerExceptionMapper
    public Response refusedBody(WebApplicationException e) {
        return e.getCause() instanceof JsonProcessingException json ? unreadable(json) : e.getResponse();
    }
}
