package io.caresstream.promptgenerator.rest;

import io.caresstream.deploy.testing.ApiSecurityContract;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every endpoint of the prompt-generator has a role, and callers without it are refused. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class ApiSecurityTest extends ApiSecurityContract {

    @Override
    protected int operationsAtLeast() {
        return 9;
    }
}
