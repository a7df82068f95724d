package io.caresstream.modelinvoker.rest;

import io.caresstream.deploy.testing.ApiSecurityContract;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every endpoint of the model-invoker has a role, and callers without it are refused. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class ApiSecurityTest extends ApiSecurityContract {

    @Override
    protected int operationsAtLeast() {
        return 4;
    }
}
