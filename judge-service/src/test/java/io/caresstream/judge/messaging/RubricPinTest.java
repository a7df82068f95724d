package io.caresstream.judge.messaging;

import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CompletedWork;
import io.caresstream.judge.domain.RubricPin;
import io.caresstream.providers.ModelIds;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A judge id keeps one rubric, against a real broker: the first judge binds its id to its rubric on its judged
 * topic; another instance with the same rubric starts; one with another rubric never counts as caught up (so judges
 * nothing) and is told the bound rubric; one bound differently at the same moment is told later.
 */
class RubricPinTest {

    private static final String RUBRIC_A = "sha256:aaaaaaaaaaaa";
    private static final String RUBRIC_B = "sha256:bbbbbbbbbbbb";

    private final TestInfrastructure kafka = TestInfrastructure.shared();
    private final List<CompletedWork> started = new ArrayList<>();
    private final String judgeId = "pin-" + UUID.randomUUID().toString().substring(0, 8) + "@rubric-v1";

    @TempDir
    Path state;

    @AfterEach
    void close() {
        started.forEach(CompletedWork::close);
    }

    /** An instance of the judge bound to a rubric; foreign receives the binding it meets instead of its own. */
    private CompletedWork instance(String rubric, CompletableFuture<String> foreign, CountDownLatch caughtUp) {
        CompletedWork work = new CompletedWork(new CompletedWork.Settings(kafka.bootstrapServers(), ClientSecurity.none(),
                Topics.judged(judgeId), "judge-service." + judgeId, (short) 1, state.resolve("i" + started.size()), 20),
                null, (usage, atMs) -> { });
        work.bind(rubric, foreign::complete);
        work.start("test-judged", caughtUp::countDown, e -> {
            throw new AssertionError(e);
        });
        started.add(work);
        return work;
    }

    @Test
    void aJudgeStartedWithAnotherRubricUnderABoundIdIsToldAndNeverCatchesUp() throws Exception {
        CompletableFuture<String> firstForeign = new CompletableFuture<>();
        CountDownLatch firstCaughtUp = new CountDownLatch(1);
        CompletedWork first = instance(RUBRIC_A, firstForeign, firstCaughtUp);
        assertTrue(firstCaughtUp.await(60, TimeUnit.SECONDS), "the first instance binds the id and catches up");
        assertTrue(first.isCaughtUp(), "ready");
        assertTrue(first.claim("model@1/p-1"));
        first.published("model@1/p-1", CompletedWork.Usage.NONE).toCompletableFuture().get(30, TimeUnit.SECONDS);

        CompletableFuture<String> sameForeign = new CompletableFuture<>();
        CountDownLatch sameCaughtUp = new CountDownLatch(1);
        CompletedWork same = instance(RUBRIC_A, sameForeign, sameCaughtUp);
        assertTrue(sameCaughtUp.await(60, TimeUnit.SECONDS), "an instance with the same rubric starts");
        assertTrue(same.isDone("model@1/p-1"));
        assertFalse(sameForeign.isDone());

        CompletableFuture<String> otherForeign = new CompletableFuture<>();
        CountDownLatch otherCaughtUp = new CountDownLatch(1);
        CompletedWork other = instance(RUBRIC_B, otherForeign, otherCaughtUp);
        assertEquals(RUBRIC_A, otherForeign.get(60, TimeUnit.SECONDS), "told which rubric the id is bound to");
        assertFalse(otherCaughtUp.await(2, TimeUnit.SECONDS), "never caught up: it judges nothing");
        assertFalse(other.isCaughtUp(), "never ready");
        assertEquals(java.util.Optional.of(RUBRIC_A), other.foreignBinding());
        assertFalse(firstForeign.isDone(), "the bound instances are not disturbed");
    }

    @Test
    void anInstanceBoundDifferentlyAtTheSameMomentIsToldLater() throws Exception {
        CompletableFuture<String> foreign = new CompletableFuture<>();
        CountDownLatch caughtUp = new CountDownLatch(1);
        CompletedWork work = instance(RUBRIC_A, foreign, caughtUp);
        assertTrue(caughtUp.await(60, TimeUnit.SECONDS));
        // What another instance that read the topic before the binding was written would write: "|binding".
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.judged(judgeId), "|binding",
                    RUBRIC_B.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        assertEquals(RUBRIC_B, foreign.get(60, TimeUnit.SECONDS));
        assertFalse(work.isCaughtUp(), "no longer ready once the clash is known");
    }

    @Test
    void theRefusalNamesBothRubricsAndAnIdThatWouldStart() {
        RubricPin pin = new RubricPin("gpt-4o-mini@rubric-v1", RUBRIC_A, "sha256:0123456789ab", "/etc/cares/rubric.txt");
        assertEquals("gpt-4o-mini@rubric-01234567", pin.suggestedId());
        ModelIds.requireVersion("cares.judge.id", pin.suggestedId());
        String message = pin.message();
        for (String part : List.of("gpt-4o-mini@rubric-v1", RUBRIC_A, "sha256:0123456789ab", "/etc/cares/rubric.txt",
                "cares.judge.id=gpt-4o-mini@rubric-01234567")) {
            assertTrue(message.contains(part), part + " in: " + message);
        }
    }
}
