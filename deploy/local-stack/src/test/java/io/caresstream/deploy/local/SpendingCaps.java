package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.caresstream.cli.auth.LocalAuth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model's total spending cap, enforced across two instances of its invoker by the shared ledger (its answered
 * topic): both stop taking prompts at the cap, and both resume when it is raised on one of them. Run on the stack of
 * {@link JudgeCanaryEndToEndTest}, after a suite is imported.
 */
final class SpendingCaps {

    private SpendingCaps() {
    }

    private static final String MODEL = "capped-model@1";
    /** $1,000 per million tokens either way: a simulated answer (its prompt and text) costs about $0.05. */
    private static final Map<String, String> PRICED = Map.of("cares.model.model-name", "simulated-model",
            "cares.model.input-price-per-million", "1000", "cares.model.output-price-per-million", "1000",
            "cares.model.budget.total-usd", "1.0", "smallrye.messaging.worker.model-calls.max-concurrency", "2");

    private static String state(LocalStack stack, int port) {
        return stack.getJson(port, "/api/model").path("status").path("state").asText();
    }

    private static void awaitState(LocalStack stack, int port, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && !state.equals(state(stack, port))) {
            Thread.sleep(200);
        }
        assertEquals(state, state(stack, port), "instance on port " + port);
    }

    static void bothInstancesStopAtTheCapAndResumeWhenItIsRaised(LocalStack stack, String suite) throws Exception {
        int first = LocalStack.Ports.free().modelInvoker();
        stack.addModel(MODEL, first, PRICED);
        int second = LocalStack.Ports.free().modelInvoker();
        stack.addModelInstance(MODEL, second, PRICED);

        awaitState(stack, first, "CAPPED");
        awaitState(stack, second, "CAPPED");
        JsonNode spending = stack.getJson(first, "/api/model/spending");
        double spent = spending.path("totalUsd").asDouble();
        long answered = stack.getJson(first, "/api/model").path("answered").asLong();
        System.out.printf("[cap] capped at $%.4f spent, %d of 64 answered: %s%n", spent, answered,
                spending.path("cappedBecause").asText());
        assertTrue(spent >= 1.0, "capped only once the cap is reached: $" + spent);
        assertTrue(answered < 64, "the cap stopped the model before the suite's end: " + answered);
        assertEquals(spent, stack.getJson(second, "/api/model/spending").path("totalUsd").asDouble(), 1e-9,
                "both instances read the same ledger");
        Thread.sleep(3_000);
        assertEquals(answered, stack.getJson(second, "/api/model").path("answered").asLong(), "no more calls");

        // Raised on one instance: both resume, and the suite is finished.
        HttpResponse<String> raised = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + first + "/api/model/spending/caps"))
                .header("Authorization", "Bearer " + stack.token(LocalAuth.Role.OPERATOR))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"totalUsd\": 100}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, raised.statusCode(), raised.body());
        awaitState(stack, second, "RUNNING");
        List<ScoreRow> rows = stack.awaitScored(suite, 64, 2, Duration.ofMinutes(3), r -> { });
        assertEquals(64, rows.stream().filter(r -> r.modelId().equals(MODEL)).findFirst().orElseThrow().labelled());
    }
}
