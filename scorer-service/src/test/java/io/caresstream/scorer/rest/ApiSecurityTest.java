package io.caresstream.scorer.rest;

import io.caresstream.deploy.testing.ApiSecurityContract;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.Set;

/** Every endpoint of the scorer-service has a role, and callers without it are refused. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class ApiSecurityTest extends ApiSecurityContract {

    @Override
    protected int operationsAtLeast() {
        return 14;
    }

    @Override
    protected Set<String> openOperations() {
        return Set.of("DELETE /api/session");
    }
}
