package io.caresstream.modelinvoker.messaging;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.security.ClientSecurity;
import io.caresstream.events.serde.TopicSnapshot;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CompletedWork;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a model has answered, kept in its own answered topic, against a real broker: an instance started later
 * knows every answer an earlier one published; an upgraded model (its group has committed offsets, its answered
 * topic is new) reads its earlier answers from the responses topic once; a new model never reads the responses.
 */
class CompletedWorkTest {

    private final TestInfrastructure kafka = TestInfrastructure.shared();
    private final AvroTopics topics = AvroTopics.of(kafka);

    @TempDir
    Path state;

    private CompletedWork answers(String model, AtomicInteger earlierRead) {
        TopicSnapshot responses = new TopicSnapshot(kafka.bootstrapServers(), kafka.registryUrl(), ClientSecurity.none());
        CompletedWork.Earlier<ResponseEvent> earlier = new CompletedWork.Earlier<>(responses, Topics.RESPONSES,
                EventKeys.responsePrefix(model), response -> {
                    earlierRead.incrementAndGet();
                    return response.getStatus() == ResponseStatus.OK;
                }, response -> CompletedWork.Usage.NONE);
        return new CompletedWork(new CompletedWork.Settings(kafka.bootstrapServers(), ClientSecurity.none(),
                Topics.answered(model), "model-invoker." + model, (short) 1, state, 20), earlier, (usage, atMs) -> { });
    }

    private static void startAndWait(CompletedWork work) throws InterruptedException {
        work.start("test-answered", () -> { }, e -> {
            throw new AssertionError(e);
        });
        work.awaitCaughtUp();
    }

    private Map<String, ResponseEvent> publishResponses(String model, String... statuses) {
        Map<String, ResponseEvent> responses = new LinkedHashMap<>();
        for (int i = 0; i < statuses.length; i++) {
            PromptEvent prompt = SampleEvents.prompt("p-" + model + "-" + i, "completed-work", HarmLevel.HARMLESS,
                    Method.DIRECT, "prompt " + i);
            responses.put(EventKeys.response(model, prompt.getPromptId()),
                    SampleEvents.response(model, prompt, ResponseStatus.valueOf(statuses[i]), "answer " + i));
        }
        topics.produce(Topics.RESPONSES, responses);
        return responses;
    }

    private void commitAnOffset(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(Topics.PROMPTS, 0),
                    new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpgradedModelReadsItsEarlierAnswersOnceAndALaterInstanceKnowsThemAndNewOnes() throws Exception {
        String model = "upgraded-" + UUID.randomUUID();
        publishResponses(model, "OK", "OK", "ERROR");
        publishResponses("another-" + model, "OK");
        commitAnOffset("model-invoker." + model);

        AtomicInteger earlierRead = new AtomicInteger();
        CompletedWork first = answers(model, earlierRead);
        startAndWait(first);
        assertEquals(2, first.count(), "the two answers; an error is tried again");
        assertTrue(first.isDone("p-" + model + "-0"));
        assertFalse(first.isDone("p-" + model + "-2"), "an error is not an answer");
        assertFalse(first.isDone("p-another-" + model + "-0"), "another model's answer is not this model's");
        assertEquals(3, earlierRead.get(), "the model's own responses, once");
        assertTrue(first.claim("p-new"));
        first.published("p-new", new CompletedWork.Usage(10, 20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        first.close();

        AtomicInteger readAgain = new AtomicInteger();
        CompletedWork second = answers(model, readAgain);
        startAndWait(second);
        assertEquals(3, second.count(), "the earlier answers and the one published since");
        assertTrue(second.isDone("p-new"));
        assertFalse(second.claim("p-" + model + "-1"), "answered: not called again");
        assertEquals(0, readAgain.get(), "the responses topic is read only on the first start");
        second.close();
        try (var left = Files.list(state)) {
            assertEquals(0, left.count(), "the ids' directory is removed on close");
        }
    }

    @Test
    void aNewModelNeverReadsTheResponsesTopic() throws Exception {
        String model = "new-" + UUID.randomUUID();
        // Not a real case for a new model, but it shows the responses topic is not read.
        publishResponses(model, "OK");
        AtomicInteger earlierRead = new AtomicInteger();
        CompletedWork work = answers(model, earlierRead);
        startAndWait(work);
        assertEquals(0, work.count());
        assertEquals(0, earlierRead.get(), "a model whose group never committed has no earlier answers to read");
        work.close();
    }

    @Test
    void aClaimWaitsForAnotherAttemptOnTheSameIdAndSkipsItWhenThatOnePublished() throws Exception {
        String model = "claims-" + UUID.randomUUID();
        CompletedWork work = answers(model, new AtomicInteger());
        startAndWait(work);
        assertTrue(work.claim("p-1"));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return work.claim("p-1");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(second.isDone(), "the redelivery waits for the first attempt");
        work.published("p-1", CompletedWork.Usage.NONE);
        assertFalse(second.get(10, TimeUnit.SECONDS), "and then skips: the answer is published");
        assertTrue(work.claim("p-2"));
        work.abandoned("p-2");
        assertTrue(work.claim("p-2"), "an abandoned attempt leaves the work to the next");
        work.abandoned("p-2");
        work.close();
    }

    /**
     * A graceful stop: a result acknowledged by the broker while the messaging closes still gets its done record,
     * so the restarted instance skips its redelivered input instead of calling the model for it again.
     */
    @Test
    void aStopWaitsForTheWorkUnderWayAndWritesItsDoneRecord() throws Exception {
        String model = "stop-" + UUID.randomUUID();
        CompletedWork first = answers(model, new AtomicInteger());
        startAndWait(first);
        assertTrue(first.claim("p-late"));
        var late = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            first.published("p-late", CompletedWork.Usage.NONE);
        });
        first.close();
        late.get(10, TimeUnit.SECONDS);

        CompletedWork restarted = answers(model, new AtomicInteger());
        startAndWait(restarted);
        assertTrue(restarted.isDone("p-late"), "its done record was written before the stop returned");
        assertFalse(restarted.claim("p-late"));
        restarted.close();
    }
}
