package io.caresstream.providers;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.PromptCatalog;
import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatClientsTest {

    private static ChatModelSpec spec(String baseUrl, ApiKeySource key) {
        return new ChatModelSpec("sim@1", "openai", baseUrl, "simulated-model", 0.0, 64, Optional.empty(),
                Duration.ofSeconds(5), 0, key, false);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"openai", "anthropic", "gemini"})
    void rehearsalCallsGoThroughTheProvidersMappingToALoopbackServerNeverTheEndpoint(String provider) {
        // Nothing listens on port 1: a rehearsal that reached for the model's endpoint would fail.
        ChatModelSpec spec = new ChatModelSpec("sim@1", provider, "http://127.0.0.1:1/v1", "simulated-model", 0.0, 64,
                Optional.of("be careful"), Duration.ofSeconds(5), 0,
                new ApiKeySource(Optional.of("CARES_TEST_UNSET_KEY"), Optional.empty()), false);
        Completion completion = ChatClients.rehearse(spec, 40, 4);
        assertEquals("rehearsal", completion.text());
        assertEquals(1, completion.inputTokens());
        assertEquals(1, completion.outputTokens());
    }

    @Test
    void aRehearsalAsksForAtLeastOneCall() {
        ChatModelSpec spec = spec("http://127.0.0.1:1/v1", ApiKeySource.NONE);
        assertThrows(IllegalArgumentException.class, () -> ChatClients.rehearse(spec, 0, 4));
    }

    @Test
    void rehearsalAnswersDoNotWaitForTheClientsDelayedAcknowledgement() {
        // Without TCP_NODELAY on the rehearsal server, each answer's body waited for the client's delayed ACK of
        // its headers (40 ms on Linux): 40 calls one after the other took at least 1.6 s. Warm, they take a few
        // ms each; the bound leaves a busy machine ten times that.
        ChatModelSpec spec = spec("http://127.0.0.1:1/v1", ApiKeySource.NONE);
        ChatClients.rehearse(spec, 16, 1);
        long started = System.nanoTime();
        ChatClients.rehearse(spec, 40, 1);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 1_000, "40 rehearsal calls one after the other took " + millis + " ms");
    }

    @Test
    void callsAnOpenAiCompatibleServerAndRecognisesTheSimulation() {
        Profile refuseAll = new Profile(List.of(), null, null, 0, null, null);
        try (SimulatedModelServer server = SimulatedModelServer.start(0, PromptCatalog.empty(), refuseAll, null)) {
            Completion completion = ChatClients.create(spec(server.baseUrl(), ApiKeySource.NONE)).complete(Optional.empty(), "hello");
            assertEquals(SimulatedLabel.REFUSE.answer(), completion.text());
            assertTrue(completion.simulated(), "the simulated server must be recognised");
            assertTrue(completion.inputTokens() > 0 && completion.outputTokens() > 0);
            assertTrue(spec(server.baseUrl(), ApiKeySource.NONE).provenance(completion.simulated()).getSimulated());
        }
    }

    @Test
    void aRejectedKeyFailsWithoutRevealingIt() {
        try (SimulatedModelServer server = SimulatedModelServer.start(0, PromptCatalog.empty(), Profile.defaults(), "sk-right")) {
            ApiKeySource key = new ApiKeySource(Optional.of("TEST_KEY"), Optional.empty());
            ChatClient client = ChatClients.create(spec(server.baseUrl(), key), Map.of("TEST_KEY", "sk-wrong-secret"));
            ProviderException failure = assertThrows(ProviderException.class, () -> client.complete(Optional.empty(), "hello"));
            assertFalse(failure.getMessage().contains("sk-wrong-secret"), failure.getMessage());
            // The simulated server quotes the rejected key in its 401 body, as real providers do.
            assertTrue(failure.getMessage().contains("Incorrect API key provided: ***"), failure.getMessage());
        }
    }

    @Test
    void aMissingKeyVariableIsAClearConfigurationError() {
        ApiKeySource key = new ApiKeySource(Optional.of("NOT_SET_ANYWHERE"), Optional.empty());
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> ChatClients.create(spec("http://127.0.0.1:1/v1", key), Map.of()));
        assertTrue(failure.getMessage().contains("NOT_SET_ANYWHERE"));
        assertEquals("env:NOT_SET_ANYWHERE", key.toString());
    }
}
