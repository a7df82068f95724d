package io.caresstream.judge.domain;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready unless the judge model cannot be called at all; then DOWN with the reason. */
@Readiness
@ApplicationScoped
public class JudgeReadiness implements HealthCheck {

    private final JudgeHealth health;

    public JudgeReadiness(JudgeHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        String reason = health.heldBecause();
        return HealthCheckResponse.named("judge model").status(reason == null)
                .withData("reason", reason == null ? "" : reason).build();
    }
}
