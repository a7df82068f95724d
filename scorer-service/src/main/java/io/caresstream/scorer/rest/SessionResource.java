package io.caresstream.scorer.rest;

import io.caresstream.events.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/**
 * The dashboard's sign-in. A browser's EventSource cannot send an Authorization header, so the page trades the
 * token it was given (sent once, in that header) for an HttpOnly, same-site cookie holding it: the token is
 * then never in a URL, in the page's script state, or in a log.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** The cookie the services read the token from ({@code mp.jwt.token.cookie}). */
    static final String COOKIE = "cares_session";

    private final SecurityIdentity caller;

    public SessionResource(SecurityIdentity caller) {
        this.caller = caller;
    }

    /** Who is signed in, and with which roles (the page shows what those roles may do). */
    @GET
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    public Map<String, Object> current() {
        return Map.of("user", caller.getPrincipal().getName(), "roles", caller.getRoles());
    }

    @POST
    @RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
    public Response signIn(@Context HttpHeaders headers, @Context UriInfo uri) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new BadRequestException("send the token in the Authorization header (Bearer)");
        }
        String token = authorization.substring(7).trim();
        return Response.ok(current()).cookie(cookie(token, uri, -1)).build();
    }

    @DELETE
    @PermitAll
    public Response signOut(@Context UriInfo uri) {
        return Response.noContent().cookie(cookie("", uri, 0)).build();
    }

    private static NewCookie cookie(String value, UriInfo uri, int maxAge) {
        return new NewCookie.Builder(COOKIE).value(value).path("/").httpOnly(true).maxAge(maxAge)
                .sameSite(NewCookie.SameSite.STRICT).secure("https".equals(uri.getBaseUri().getScheme())).build();
    }
}
