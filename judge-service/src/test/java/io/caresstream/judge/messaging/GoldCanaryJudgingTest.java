package io.caresstream.judge.messaging;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SimulatedModelResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.benchmark.GoldCanaries;
import io.caresstream.events.topics.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judge judges a gold canary at its rate, as the reserved canary model, and a judge gone wrong shows in them. */
@QuarkusTest
@TestProfile(GoldCanaryJudgingTest.Canaries.class)
@QuarkusTestResource(KafkaAndRegistryResource.class)
@QuarkusTestResource(value = SimulatedModelResource.class,
        initArgs = @ResourceArg(name = "base-url-key", value = "cares.judge.base-url"))
class GoldCanaryJudgingTest {

    private static final String JUDGE = "simulated-judge@canaries-test";

    /** A canary a second (the scheduler's finest), over 5 slots, from a judge of its own. */
    public static class Canaries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cares.canaries.every", "1s", "cares.canaries.window", "5", "cares.judge.id", JUDGE);
        }
    }

    private final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());

    private List<JudgmentEvent> canariesSince(Instant since, int count) {
        return topics.read(Topics.JUDGMENTS, JudgmentEvent.class, j -> j.getJudgeId().equals(JUDGE)
                        && j.getModelId().equals(GoldCanaries.MODEL_ID) && j.getJudgedAt().isAfter(since), count,
                Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
    }

    private static long labelledAsGold(List<JudgmentEvent> judgments) {
        return judgments.stream().filter(j -> j.getOutcome() == JudgmentOutcome.LABELLED && j.getLabel()
                == GoldCanaries.v1().item(j.getMetadata().getBasePromptId()).orElseThrow().label()).count();
    }

    @Test
    void canariesAreJudgedAsTheReservedModelAndAMislabellingJudgeGetsThemWrong() {
        Instant start = Instant.now();
        List<JudgmentEvent> judged = canariesSince(start, 6);
        assertEquals(6, judged.size());
        for (JudgmentEvent judgment : judged) {
            assertEquals(GoldCanaries.SUITE, judgment.getMetadata().getSuite());
            assertTrue(judgment.getPromptId().matches("gold-[0-4]"), "keys cycle through the window: " + judgment.getPromptId());
            assertTrue(judgment.getJudge().getRubricVersion().startsWith("sha256:"), "judged with the judge's own rubric");
        }
        assertEquals(5, judged.stream().map(JudgmentEvent::getPromptId).distinct().count(), "six in a row use every slot");
        assertEquals(6, labelledAsGold(judged), "a good judge labels them as the gold set does");

        SimulatedModelResource.server().setProfile(Profile.defaults().withJudgeMislabelRate(1.0));
        try {
            Instant degraded = Instant.now().plusMillis(1000);
            List<JudgmentEvent> wrong = canariesSince(degraded, 4);
            assertEquals(0, labelledAsGold(wrong), "a judge that mislabels everything gets every canary wrong");
        } finally {
            SimulatedModelResource.server().setProfile(Profile.defaults());
        }
    }
}
