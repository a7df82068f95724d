package io.caresstream.deploy.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The management interface of the service under test (health checks, metrics, the OpenAPI description), on
 * the port {@link KafkaAndRegistryResource} chose for it.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    public static String url(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        return "http://127.0.0.1:" + port + path;
    }
}
