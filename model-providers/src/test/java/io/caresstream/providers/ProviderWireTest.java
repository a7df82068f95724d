package io.caresstream.providers;

import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.simulated.PromptCatalog;
import io.caresstream.deploy.simulated.SimulatedLabel;
import io.caresstream.deploy.simulated.SimulatedModelServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every provider's real LangChain4j client against a local server that answers in that provider's wire
 * format (OpenAI chat completions, Anthropic messages, Gemini generateContent): success, 429 with
 * Retry-After, 500, timeouts, malformed bodies, 401, 404, an unreachable server, and the provider's own safety
 * filter blocking the answer or the prompt.
 */
class ProviderWireTest {

    private static final String KEY = "sk-test-secret-key";
    private static SimulatedModelServer server;

    @BeforeAll
    static void start() {
        server = SimulatedModelServer.start(0, PromptCatalog.empty(), refuseAll(Profile.Faults.NONE), KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Profile refuseAll(Profile.Faults faults) {
        return new Profile(List.of(), null, null, 0, faults, null);
    }

    private static String baseUrl(String provider, String root) {
        return switch (provider) {
            case "openai" -> root + "/v1";
            case "anthropic" -> root + "/v1/";
            default -> root + "/v1beta";
        };
    }

    private static ChatClient client(String provider, String root, String key, int maxRetries, Duration timeout,
                                     CallPolicy policy) {
        ChatModelSpec spec = new ChatModelSpec(provider + "-sim@1", provider, baseUrl(provider, root), "simulated-model",
                0.0, 64, Optional.empty(), timeout, maxRetries,
                new ApiKeySource(Optional.of("PROVIDER_KEY"), Optional.empty()), false, policy, new Price(2.5, 10));
        return ChatClients.create(spec, Map.of("PROVIDER_KEY", key));
    }

    private static ChatClient client(String provider, int maxRetries) {
        return client(provider, "http://127.0.0.1:" + server.port(), KEY, maxRetries, Duration.ofSeconds(5),
                new CallPolicy(Optional.empty(), Optional.empty(), Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    private static String uniquePrompt(String provider, String what) {
        return what + " via " + provider + " at " + System.nanoTime();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void answersComeBackWithTokensAndAreRecognisedAsSimulated(String provider) {
        server.setProfile(refuseAll(Profile.Faults.NONE));
        Completion completion = client(provider, 0).complete(Optional.of("Be brief."), uniquePrompt(provider, "hello"));
        assertEquals(SimulatedLabel.REFUSE.answer(), completion.text());
        assertTrue(completion.simulated(), "the simulated server must be recognised in every wire format");
        assertTrue(completion.inputTokens() > 0 && completion.outputTokens() > 0);
        assertEquals(1, completion.attempts());
        assertTrue(server.stats().getOrDefault("requests." + provider, 0L) > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void a429IsRetriedAfterTheWaitItAsksFor(String provider) {
        server.setProfile(refuseAll(new Profile.Faults(1.0, 1, 0, 0, 1000, 0, 1)));
        long started = System.nanoTime();
        Completion completion = client(provider, 3).complete(Optional.empty(), uniquePrompt(provider, "throttled"));
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(2, completion.attempts());
        assertTrue(waitedMs >= 1000, "Retry-After: 1 is honoured over a 10 ms backoff, waited " + waitedMs + " ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void serverErrorsTimeoutsAndMalformedBodiesAreRetriedThenReportedAsTransient(String provider) {
        server.setProfile(refuseAll(new Profile.Faults(0, 1, 1.0, 0, 1000)));
        ProviderException failed = assertThrows(ProviderException.class,
                () -> client(provider, 2).complete(Optional.empty(), uniquePrompt(provider, "server error")));
        assertEquals(ProviderException.Kind.TRANSIENT, failed.kind());
        assertEquals(3, failed.attempts());
        assertTrue(failed.getMessage().contains("HTTP 500"), failed.getMessage());

        server.setProfile(refuseAll(new Profile.Faults(0, 1, 0, 1.0, 3000)));
        ChatClient impatient = client(provider, "http://127.0.0.1:" + server.port(), KEY, 1, Duration.ofMillis(300),
                new CallPolicy(Optional.empty(), Optional.empty(), Duration.ofMillis(10), Duration.ofMillis(50)));
        ProviderException timedOut = assertThrows(ProviderException.class,
                () -> impatient.complete(Optional.empty(), uniquePrompt(provider, "slow")));
        assertEquals(ProviderException.Kind.TRANSIENT, timedOut.kind());
        assertEquals(2, timedOut.attempts());
        assertTrue(timedOut.getMessage().contains("timed out"), timedOut.getMessage());

        server.setProfile(refuseAll(new Profile.Faults(0, 1, 0, 0, 1000, 1.0, 1)));
        Completion recovered = client(provider, 2).complete(Optional.empty(), uniquePrompt(provider, "malformed"));
        assertEquals(2, recovered.attempts(), "a malformed body is retried");
        server.setProfile(refuseAll(new Profile.Faults(0, 1, 0, 0, 1000, 1.0, 0)));
        ProviderException malformed = assertThrows(ProviderException.class,
                () -> client(provider, 1).complete(Optional.empty(), uniquePrompt(provider, "always malformed")));
        assertEquals(ProviderException.Kind.TRANSIENT, malformed.kind());
        assertTrue(malformed.getMessage().startsWith("unexpected answer"), malformed.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void aRefusedKeyAMissingModelOrAnAbsentServerIsFatalAtOnceAndNeverShowsTheKey(String provider) {
        server.setProfile(refuseAll(Profile.Faults.NONE));
        String root = "http://127.0.0.1:" + server.port();
        CallPolicy quick = new CallPolicy(Optional.empty(), Optional.empty(), Duration.ofMillis(10), Duration.ofMillis(20));
        ProviderException unauthorised = assertThrows(ProviderException.class, () -> client(provider, root,
                "sk-wrong-secret", 3, Duration.ofSeconds(5), quick).complete(Optional.empty(), "hello"));
        assertEquals(ProviderException.Kind.FATAL, unauthorised.kind());
        assertEquals(1, unauthorised.attempts(), "a refused key is not retried");
        // The server quotes the key it was given (as real providers do): the message relays it masked.
        assertFalse(unauthorised.getMessage().contains("sk-wrong-secret"), unauthorised.getMessage());
        assertTrue(unauthorised.getMessage().contains("Incorrect API key provided: ***"), unauthorised.getMessage());
        assertTrue(unauthorised.getMessage().contains("401"), unauthorised.getMessage());

        ProviderException notFound = assertThrows(ProviderException.class, () -> client(provider, root + "/no-such-api",
                KEY, 3, Duration.ofSeconds(5), quick).complete(Optional.empty(), "hello"));
        assertEquals(ProviderException.Kind.FATAL, notFound.kind());
        assertTrue(notFound.getMessage().contains("404"), notFound.getMessage());

        ProviderException unreachable = assertThrows(ProviderException.class, () -> client(provider, "http://127.0.0.1:1",
                KEY, 1, Duration.ofSeconds(5), quick).complete(Optional.empty(), "hello"));
        assertEquals(ProviderException.Kind.FATAL, unreachable.kind());
        assertEquals(2, unreachable.attempts(), "retried within the budget first");
        assertTrue(unreachable.getMessage().contains("cannot reach"), unreachable.getMessage());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "openai, answer, 'openai: finish_reason content_filter (self_harm)', true",
            "openai, prompt, 'openai: HTTP 400 content_filter (self_harm)', false",
            "anthropic, answer, 'anthropic: stop_reason refusal', true",
            "anthropic, prompt, 'anthropic: stop_reason refusal', true",
            "gemini, answer, 'gemini: finishReason SAFETY (HARM_CATEGORY_DANGEROUS_CONTENT)', true",
            "gemini, prompt, 'gemini: prompt blocked, blockReason SAFETY (HARM_CATEGORY_DANGEROUS_CONTENT)', true"})
    void aSafetyBlockIsReportedWithTheProvidersReasonAndNotRetried(String provider, String shape, String reason,
                                                                  boolean billed) {
        server.setProfile(refuseAll(Profile.Faults.NONE).withBlocking(new Profile.Blocking(1.0, 0, shape)));
        long requests = server.stats().getOrDefault("requests", 0L);
        BlockedByProvider blocked = assertThrows(BlockedByProvider.class,
                () -> client(provider, 3).complete(Optional.empty(), uniquePrompt(provider, "blocked " + shape)));
        assertEquals(ProviderException.Kind.BLOCKED, blocked.kind());
        assertEquals(reason, blocked.getMessage());
        assertEquals(1, blocked.attempts(), "a block is the model's answer: it is not retried");
        assertEquals(requests + 1, server.stats().get("requests"));
        assertEquals(billed, blocked.inputTokens() > 0, "the prompt tokens the provider reported");
        assertEquals(0, blocked.outputTokens());
        assertEquals(billed, blocked.simulated(), "an answer from the simulated server says so");

        // The same client answers the next prompt normally once the filter lets it through.
        server.setProfile(refuseAll(Profile.Faults.NONE));
        assertEquals(SimulatedLabel.REFUSE.answer(),
                client(provider, 3).complete(Optional.empty(), uniquePrompt(provider, "not blocked")).text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai"})
    void callsStayWithinTheRequestsPerMinuteLimit(String provider) {
        server.setProfile(refuseAll(Profile.Faults.NONE));
        ChatClient limited = client(provider, "http://127.0.0.1:" + server.port(), KEY, 0, Duration.ofSeconds(5),
                new CallPolicy(Optional.of(120), Optional.empty(), Duration.ofMillis(10), Duration.ofMillis(50)));
        long started = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            limited.complete(Optional.empty(), uniquePrompt(provider, "limited " + i));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // 120 a minute is 2 a second: 6 calls need at least two refills.
        assertTrue(seconds >= 1.8, "6 calls at 2 per second took " + seconds + " s");
    }
}
