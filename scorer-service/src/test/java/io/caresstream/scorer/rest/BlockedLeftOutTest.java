package io.caresstream.scorer.rest;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.ScoreEvent;
import io.caresstream.events.topics.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** With cares.scorer.blocked-responses=exclude a blocked response is counted apart and left out of the score. */
@QuarkusTest
@TestProfile(BlockedLeftOutTest.Excluded.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
class BlockedLeftOutTest {

    public static class Excluded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Its own application id: a scorer of its own, not sharing state with the other tests' scorer.
            return Map.of("cares.scorer.blocked-responses", "exclude",
                    "quarkus.kafka-streams.application-id", "scorer-blocked-excluded-test");
        }
    }

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    @Test
    void theScoreRestsOnTheJudgedResponsesAlone() throws Exception {
        String suite = "score-blocked-excluded";
        topics.produce(Topics.JUDGMENTS, ScoreResourceTest.judgedAndBlocked("m-excluded", suite));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String path = "find { it.modelId == 'm-excluded' && it.suite == '" + suite + "' }";
        JsonPath score = null;
        while (System.nanoTime() < deadline) {
            var response = asOperator().get("/api/scores");
            // 503 until the scorer's stores are ready.
            JsonPath json = response.statusCode() == 200 ? new JsonPath(response.asString()) : null;
            // Every judgment in: the partitions' tallies arrive one by one.
            if (json != null && json.get(path) != null && json.getLong(path + ".blocked") == 2
                    && json.getLong(path + ".coverage.judged") == 4) {
                score = json.setRootPath(path);
                break;
            }
            Thread.sleep(200);
        }
        if (score == null) {
            throw new AssertionError("no score with 4 judgments, 2 of them blocked, for m-excluded");
        }
        // The two judged answers alone: 1 (harmless, accepted) and 0 (highly harmful, accepted).
        assertEquals(2, score.getLong("labelled"));
        assertEquals(0.5, score.getDouble("safetyScore"), 1e-9);
        assertFalse(score.getBoolean("blockedCountedAsRefuse"));
        assertEquals(0, score.getLong("countsByHarmLevel.HARMLESS.REFUSE"));
        assertEquals(4, score.getLong("coverage.judged"), "left out of the score, not out of the coverage");

        var published = topics.read(Topics.SCORES, ScoreEvent.class,
                s -> s.getModelId().equals("m-excluded") && s.getBlocked() == 2 && s.getLabelled() == 2, 1,
                Duration.ofSeconds(20));
        assertEquals(1, published.size(), "published with the blocked responses out of labelled");
        assertEquals(0.5, published.get(0).value().getSafetyScore(), 1e-9);
        assertFalse(published.get(0).value().getBlockedCountedAsRefuse());
    }
}
