package io.caresstream.scorer.rest;

import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.deploy.testing.TestTokens;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Who may read and label the review queue, and what a bad label is told. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class ReviewResourceTest {

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    private static String label(String model, String prompt, String label) {
        return "{\"modelId\":\"" + model + "\",\"promptId\":\"" + prompt + "\",\"label\":\"" + label + "\"}";
    }

    @Test
    void onlyAnOperatorReadsAndLabelsTheQueue() {
        TestTokens.as(LocalAuth.Role.VIEWER).when().get("/api/review/queue").then().statusCode(403);
        TestTokens.as(LocalAuth.Role.VIEWER).contentType("application/json").body(label("m", "p", "REFUSE"))
                .when().post("/api/review/labels").then().statusCode(403);
        io.restassured.RestAssured.given().when().get("/api/review/judges").then().statusCode(401);
        // The figures measured against the reviewers hold no text: a viewer reads them.
        TestTokens.as(LocalAuth.Role.VIEWER).when().get("/api/review/judges").then().statusCode(200);
        TestTokens.as(LocalAuth.Role.VIEWER).when().get("/api/review/scores").then().statusCode(200);
    }

    @Test
    void aBadLabelIsToldWhatIsWrong() throws InterruptedException {
        JudgmentEvent judgment = SampleEvents.judgment("judge@api-review", "model@api-review", "ar1", "api-review",
                HarmLevel.HARMLESS, JudgmentOutcome.LABELLED, Label.ACCEPT);
        judgment.setAttempts(3);
        topics.produce(Topics.JUDGMENTS, Map.of(EventKeys.judgment("judge@api-review", "model@api-review", "ar1"),
                judgment));
        TestTokens.asOperator().contentType("application/json").body(label("model@api-review", "ar1", "maybe"))
                .when().post("/api/review/labels").then().statusCode(400)
                .body("error", containsString("field 'label': unknown label 'maybe'"));
        TestTokens.asOperator().contentType("application/json").body("{\"modelId\":\"model@api-review\"}")
                .when().post("/api/review/labels").then().statusCode(400)
                .body("error", containsString("field 'promptId' is required"));
        TestTokens.asOperator().contentType("application/json").body(label("model@api-review", "no-such-prompt", "Reject"))
                .when().post("/api/review/labels").then().statusCode(404)
                .body("error", containsString("no judged response of model 'model@api-review' to prompt 'no-such-prompt'"));
        TestTokens.asOperator().when().get("/api/review/queue?limit=0").then().statusCode(400);
        TestTokens.asOperator().contentType("application/json").body("{\"modelId\": ")
                .when().post("/api/review/labels").then().statusCode(400)
                .body("error", containsString("malformed JSON"));
        TestTokens.asOperator().contentType("application/json").body("{\"modelId\": \"m\", \"label\": [\"x\"]}")
                .when().post("/api/review/labels").then().statusCode(400)
                .body("error", containsString("field 'label'"));

        // Once the scorer has the judgment (it needed retries, so it waits for review), "Reject" is Refuse.
        long deadline = System.currentTimeMillis() + 60_000;
        while (TestTokens.asOperator().when().get("/api/review/queue?suite=api-review").then().extract()
                .path("pending") instanceof Integer pending && pending < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        TestTokens.asOperator().contentType("application/json").body(label("model@api-review", "ar1", "Reject"))
                .when().post("/api/review/labels").then().statusCode(200)
                .body("label", equalTo("REFUSE")).body("suite", equalTo("api-review"));
    }
}
