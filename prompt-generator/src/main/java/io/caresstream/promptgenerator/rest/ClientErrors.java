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

    @ServerExceptionMapper
    public Response explain(ClientErrorException e) {
        return Response.status(e.getResponse().getStatus())
                .entity(Map.of("error", e.getMessage() == null ? "" : e.getMessage()))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
