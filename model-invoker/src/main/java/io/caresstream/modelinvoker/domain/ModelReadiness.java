package io.caresstream.modelinvoker.domain;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready unless the model is stopped: starting and paused are states it was asked to be in. */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final ModelControl control;

    public ModelReadiness(ModelControl control) {
        this.control = control;
    }

    @Override
    public HealthCheckResponse call() {
        ModelControl.Status status = control.status();
        return HealthCheckResponse.named("model " + status.model())
                .status(status.state() != ModelControl.State.STOPPED)
                .withData("state", status.state().name())
                .withData("reason", status.reason() == null ? "" : status.reason())
                .build();
    }
}
