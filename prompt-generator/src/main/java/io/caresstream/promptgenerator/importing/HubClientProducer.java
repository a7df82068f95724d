package io.caresstream.promptgenerator.importing;

import io.caresstream.suites.hub.HubClient;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The suites library's hub client, configured from this service's settings ({@code cares.hub.*}). */
public class HubClientProducer {

    @Produces
    @Singleton
    HubClient hubClient(@ConfigProperty(name = "cares.hub.endpoint") String hubEndpoint,
                        @ConfigProperty(name = "cares.hub.viewer-endpoint") String viewerEndpoint,
                        @ConfigProperty(name = "cares.hub.token-env") String tokenEnv) {
        return new HubClient(hubEndpoint, viewerEndpoint, tokenEnv);
    }
}
