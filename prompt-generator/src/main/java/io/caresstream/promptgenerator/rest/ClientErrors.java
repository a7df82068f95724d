package io.caresstream.promptgenerator.rest;

import io.caresstream.promptgenerator.messaging.PublishFailedException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * A request the client got wrong is answered with its reason, as {"error": "..."}, not an empty body;
 * a publication cut short says how far it got.
 */
public class ClientErrors {

    @ServerExceptionMapper
    public Response partlyPublished(PublishFailedException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .entity(Map.of("error", e.getMessage(), "published", e.published(), "total", e.total()))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * A request body that is not the JSON expected (a number out of range, a word for a number, a value its
     * record refuses): 400 naming the field, with the reason in one bounded line. (Quarkus' own mappers for the
     * narrower types answer without a reason: they are named here so this one is chosen.)
     */
    @ServerExceptionMapper({com.fasterxml.jackson.core.JsonProcessingException.class,
            com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
            com.fasterxml.jackson.databind.exc.InvalidFormatException.class})
    public Response unreadable(com.fasterxml.jackson.core.JsonProcessingException e) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", io.caresstream.events.text.JsonBodyError.describe(e)))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /** A body the JSON reader refused before any resource ran: the reason, as {@link #unreadable} gives it. */
    @ServerExceptionMapper
    public Response refusedBody(jakarta.ws.rs.WebApplicationException e) {
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
            return unreadable(json);
        }
        return e.getResponse();
    }

    /**
     * A body of a type the address does not take (`curl --data-binary` sends a form's type unless told): 415 naming
     * the type sent and, for an import, the types it takes.
     */
    @ServerExceptionMapper
    public Response unsupportedType(jakarta.ws.rs.NotSupportedException e, jakarta.ws.rs.core.HttpHeaders headers,
                                    jakarta.ws.rs.core.UriInfo uri) {
        String sent = java.util.Optional.ofNullable(headers.getMediaType()).map(type -> type.getType() + "/" + type.getSubtype()).orElse("none");
        String takes = uri.getPath().endsWith("/api/suites/import")
                ? "multipart/form-data, or the suite as the body: application/x-ndjson, application/jsonl, text/csv,"
                        + " application/vnd.apache.parquet or application/octet-stream"
                : "application/json";
        return Response.status(Response.Status.UNSUPPORTED_MEDIA_TYPE)
                .entity(Map.of("error", "Content-Type " + io.caresstream.events.text.ClientText.excerpt(sent)
                        + " is not taken here; send " + takes))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    @ServerExceptionMapper
    public Response explain(ClientErrorException e) {
        if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
            return unreadable(json);
        }
        return Response.status(e.getResponse().getStatus())
                .entity(Map.of("error", e.getMessage() == null ? "" : e.getMessage()))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
