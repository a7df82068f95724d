package io.caresstream.modelinvoker.domain;

import io.caresstream.events.health.IdleReason;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Optional;

/** A model that is starting, paused or stopped leaves its prompts waiting on purpose: no stall. */
@ApplicationScoped
public class ModelIdleReason implements IdleReason {

    private final ModelControl control;

    public ModelIdleReason(ModelControl control) {
        this.control = control;
    }

    @Override
    public Optional<String> now() {
        ModelControl.Status status = control.status();
        if (status.state() == ModelControl.State.RUNNING) {
            return Optional.empty();
        }
        return Optional.of("model " + status.state().name().toLowerCase(Locale.ROOT)
                + (status.reason() == null ? "" : ": " + status.reason()));
    }
}
