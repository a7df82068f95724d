package io.caresstream.deploy.testing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security every service's API keeps, checked on the running service (a subclass in each service is its
 * {@code @QuarkusTest}): its OpenAPI description lists every endpoint, each declares its roles, and each refuses
 * callers without them ({@link EndpointSecurity}).
 */
public abstract class ApiSecurityContract {

    /** Operations meant to be open to anyone, as "METHOD /path". */
    protected Set<String> openOperations() {
        return Set.of();
    }

    /** How many operations the service has at least: a description that lost some would pass unnoticed. */
    protected abstract int operationsAtLeast();

    @Test
    void everyEndpointDeclaresItsRolesAndRefusesCallersWithoutThem() {
        EndpointSecurity.Report report = EndpointSecurity.walk(openOperations());
        assertTrue(report.operations().size() >= operationsAtLeast(), "every endpoint is described: " + report.operations());
        assertEquals(List.of(), report.failures());
    }
}
