package io.caresstream.judge.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the judge knows what it judged before and its rubric matches its id's binding: until then it
 * judges nothing, so a load balancer or a rollout must not count it as serving.
 */
@Readiness
@ApplicationScoped
public class JudgedResponsesReadiness implements HealthCheck {

    private final JudgedResponses judged;

    public JudgedResponsesReadiness(JudgedResponses judged) {
        this.judged = judged;
    }

    @Override
    public HealthCheckResponse call() {
        var reason = judged.notReadyBecause();
        return HealthCheckResponse.named("judged responses and rubric binding").status(reason.isEmpty())
                .withData("reason", reason.orElse("")).build();
    }
}
