package io.caresstream.deploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.cli.auth.LocalAuth.Role;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a service's OpenAPI description and checks every operation against the running service: each one
 * declares the roles it needs, answers 401 without a token (and with an expired token, or one signed by a
 * key the service does not trust), and 403 with a token whose role is too weak.
 */
public final class EndpointSecurity {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One operation as the description gives it. */
    public record Operation(String method, String path, Set<String> roles, String contentType) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path + " " + roles;
        }
    }

    /** What the walk found: every operation seen, and every failure. */
    public record Report(List<Operation> operations, List<String> failures) {
    }

    private EndpointSecurity() {
    }

    /**
     * @param open operations meant to be open to anyone ("DELETE /api/session"), which must then declare no
     *             security and must not answer 401
     */
    public static Report walk(Set<String> open) {
        JsonNode description = description();
        List<Operation> operations = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = description.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (!Set.of("get", "post", "put", "delete", "patch").contains(method.getKey())) {
                    continue;
                }
                Iterator<String> bodyTypes = method.getValue().path("requestBody").path("content").fieldNames();
                Operation operation = new Operation(method.getKey(), path.getKey(), roles(method.getValue()),
                        bodyTypes.hasNext() ? bodyTypes.next() : null);
                operations.add(operation);
                check(operation, open.contains(method.getKey().toUpperCase() + " " + path.getKey()), failures);
            }
        }
        if (operations.isEmpty()) {
            failures.add("the OpenAPI description lists no operations");
        }
        return new Report(operations, failures);
    }

    private static void check(Operation operation, boolean open, List<String> failures) {
        if (open) {
            if (!operation.roles().isEmpty()) {
                failures.add(operation + ": meant to be open, but declares roles");
            }
            int status = call(operation, RestAssured.given()).statusCode();
            if (status == 401 || status == 403) {
                failures.add(operation + ": meant to be open, answered " + status);
            }
            return;
        }
        if (operation.roles().isEmpty()) {
            failures.add(operation + ": declares no security");
            return;
        }
        Role allowed = Role.valueOf(operation.roles().iterator().next().toUpperCase());
        expect(operation, "no token", RestAssured.given(), 401, failures);
        expect(operation, "an expired token", bearer(TestTokens.expired(allowed)), 401, failures);
        expect(operation, "a token signed by another key", bearer(TestTokens.foreign(allowed)), 401, failures);
        expect(operation, "a malformed token", bearer("not-a-token"), 401, failures);
        for (Role role : Role.values()) {
            if (!operation.roles().contains(role.claim())) {
                expect(operation, "the " + role.claim() + " role", bearer(TestTokens.token(role)), 403, failures);
            }
        }
    }

    private static void expect(Operation operation, String with, RequestSpecification request, int expected,
                               List<String> failures) {
        Response response = call(operation, request);
        if (response.statusCode() != expected) {
            failures.add(operation + " with " + with + ": expected " + expected + ", got " + response.statusCode());
        }
    }

    private static RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }

    /**
     * Calls the operation with placeholder path parameters and an empty body of the declared type: a refusal
     * must come before anything is read.
     */
    private static Response call(Operation operation, RequestSpecification request) {
        String path = operation.path().replaceAll("\\{[^}]+}", "x");
        if (operation.contentType() != null) {
            request.contentType(operation.contentType().startsWith("multipart/")
                    ? operation.contentType() + "; boundary=none" : operation.contentType()).body(new byte[0]);
        }
        return request.redirects().follow(false).request(operation.method().toUpperCase(), path);
    }

    /** The roles the operation's security requirement lists (the bearer scheme's scopes). */
    private static Set<String> roles(JsonNode operation) {
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode requirement : operation.path("security")) {
            requirement.fields().forEachRemaining(scheme -> scheme.getValue().forEach(role -> roles.add(role.asText())));
        }
        return roles;
    }

    private static JsonNode description() {
        String text = RestAssured.given().accept("application/json").get(ManagementInterface.url("/q/openapi"))
                .then().statusCode(200).extract().asString();
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("the OpenAPI description is not JSON: " + e.getMessage(), e);
        }
    }
}
