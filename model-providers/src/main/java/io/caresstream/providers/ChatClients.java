package io.caresstream.providers;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds {@link ChatClient}s on LangChain4j for each supported provider: any OpenAI-compatible endpoint
 * (OpenAI, vLLM, Ollama, llama.cpp, TGI, hosted compatible APIs), Anthropic and Google Gemini. Calls are
 * shaped by the model's {@link CallPolicy}: rate limits (Resilience4j), then retries with exponential
 * backoff and jitter on 429, 5xx, timeouts and malformed answers, honouring Retry-After.
 */
public final class ChatClients {

    /** Fingerprint the simulated model server sends, so its answers are always labelled simulated. */
    public static final String SIMULATED_FINGERPRINT = "cares-simulated";
    public static final List<String> PROVIDERS = List.of("openai", "anthropic", "gemini");

    private ChatClients() {
    }

    public static ChatClient create(ChatModelSpec spec) {
        return create(spec, System.getenv());
    }

    static ChatClient create(ChatModelSpec spec, Map<String, String> environment) {
        Optional<String> key = spec.apiKey().resolve(environment);
        // Local servers need no key, but the SDKs insist on one.
        String apiKey = key.orElse("no-key");
        return new LangChain4jChatClient(spec, model(spec, apiKey, new ProviderHttpClient.Builder(spec.provider())), key.orElse(null));
    }

    /**
     * Calls through the same SDK, mapping and JDK HTTP client as real calls, answered in the provider's format
     * by a server of the process's own on 127.0.0.1 ({@link RehearsalServer}), never the model's endpoint: run at
     * start, they move the loading and compiling of the call's path off the first real prompts, which a service
     * plugged in while others keep the cores busy otherwise pays for in seconds. A few hundred calls, some in
     * flight together as real ones are, take the path past the JIT's compile thresholds.
     *
     * @return the last rehearsal call's completion
     */
    public static Completion rehearse(ChatModelSpec spec, int calls, int inFlight) {
        if (calls < 1 || inFlight < 1) {
            throw new IllegalArgumentException("a rehearsal needs at least one call and one in flight, got " + calls
                    + " calls and " + inFlight + " in flight");
        }
        try (RehearsalServer server = RehearsalServer.start(spec.provider())) {
            ChatModelSpec local = new ChatModelSpec(spec.id(), spec.provider(), server.baseUrl(), spec.modelName(),
                    spec.temperature(), spec.maxTokens(), spec.systemPrompt(), spec.timeout(), 0, ApiKeySource.NONE,
                    spec.simulated(), CallPolicy.DEFAULT, spec.price());
            ChatClient client = create(local, Map.of());
            AtomicInteger left = new AtomicInteger(calls);
            AtomicReference<Completion> last = new AtomicReference<>();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            Runnable caller = () -> {
                try {
                    while (failure.get() == null && left.getAndDecrement() > 0) {
                        last.set(client.complete(spec.systemPrompt(), RehearsalServer.ANSWER_TEXT));
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            };
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < Math.min(inFlight, calls); i++) {
                Thread thread = new Thread(caller, "rehearsal-" + i);
                thread.setDaemon(true);
                thread.start();
                callers.add(thread);
            }
            for (Thread thread : callers) {
                thread.join();
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            return last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rehearsal interrupted", e);
        }
    }

    private static ChatModel model(ChatModelSpec spec, String apiKey, HttpClientBuilder http) {
        // Retries are ours (Retry-After, jitter, a true attempt count), so the SDKs make one call each.
        return switch (spec.provider().toLowerCase(Locale.ROOT)) {
            case "openai" -> OpenAiChatModel.builder().httpClientBuilder(http).baseUrl(spec.baseUrl()).apiKey(apiKey)
                    .modelName(spec.modelName()).temperature(spec.temperature()).maxTokens(spec.maxTokens())
                    .timeout(spec.timeout()).maxRetries(0).build();
            case "anthropic" -> AnthropicChatModel.builder().httpClientBuilder(http).baseUrl(spec.baseUrl()).apiKey(apiKey)
                    .modelName(spec.modelName()).temperature(spec.temperature()).maxTokens(spec.maxTokens())
                    .timeout(spec.timeout()).maxRetries(0).build();
            case "gemini" -> GoogleAiGeminiChatModel.builder().httpClientBuilder(http).baseUrl(spec.baseUrl()).apiKey(apiKey)
                    .modelName(spec.modelName()).temperature(spec.temperature()).maxOutputTokens(spec.maxTokens())
                    .timeout(spec.timeout()).maxRetries(0).build();
            default -> throw new IllegalArgumentException("model " + spec.id() + ": provider '" + spec.provider()
                    + "' is not supported; supported: " + String.join(", ", PROVIDERS)
                    + " (openai covers any OpenAI-compatible endpoint)");
        };
    }

    private static final class LangChain4jChatClient implements ChatClient {

        private final ChatModelSpec spec;
        private final ChatModel model;
        private final String secret;
        private final Retry retry;
        // Replaced when this instance's share of the limits changes.
        private volatile Optional<RateLimiter> requests;
        private volatile Optional<RateLimiter> tokens;

        LangChain4jChatClient(ChatModelSpec spec, ChatModel model, String secret) {
            this.spec = spec;
            this.model = model;
            this.secret = secret;
            CallPolicy policy = spec.policy();
            this.retry = Retry.of(spec.id(), RetryConfig.custom()
                    .maxAttempts(1 + spec.maxRetries())
                    .retryOnException(e -> ProviderFailure.of(e).retryable())
                    .intervalBiFunction((attempt, outcome) -> backoffMillis(policy, attempt,
                            outcome.isLeft() ? ProviderFailure.of(outcome.getLeft()).retryAfter() : Optional.empty()))
                    .failAfterMaxAttempts(false)
                    .build());
            shareLimits(1);
        }

        @Override
        public ChatModelSpec spec() {
            return spec;
        }

        @Override
        public void shareLimits(double share) {
            double bounded = Math.max(0.01, Math.min(1, share));
            requests = spec.policy().requestsPerMinute().map(limit -> limiter(spec.id() + "/requests", limit * bounded));
            tokens = spec.policy().tokensPerMinute().map(limit -> limiter(spec.id() + "/tokens", limit * bounded));
        }

        @Override
        public Completion complete(Optional<String> systemMessage, String userMessage) {
            List<ChatMessage> messages = new ArrayList<>(2);
            Optional<String> system = systemMessage.or(spec::systemPrompt);
            system.ifPresent(text -> messages.add(SystemMessage.from(text)));
            messages.add(UserMessage.from(userMessage));
            // Providers count the prompt and the most the answer may take against tokens per minute.
            int reservedTokens = (system.map(String::length).orElse(0) + userMessage.length()) / 4 + spec.maxTokens();
            AtomicInteger attempts = new AtomicInteger();
            long started = System.nanoTime();
            ChatResponse response;
            try {
                response = retry.executeSupplier(() -> {
                    attempts.incrementAndGet();
                    requests.ifPresent(l -> RateLimiter.waitForPermission(l, 1));
                    tokens.ifPresent(l -> RateLimiter.waitForPermission(l, Math.min(reservedTokens, capacity(l))));
                    return model.chat(messages);
                });
            } catch (RuntimeException e) {
                Optional<ProviderBlocks.Block> block = ProviderFailure.block(e);
                if (block.isPresent()) {
                    throw new BlockedByProvider(block.get().reason(), block.get().inputTokens(),
                            block.get().outputTokens(), block.get().simulated(), attempts.get());
                }
                ProviderFailure failure = ProviderFailure.of(e);
                throw ProviderException.of(failure.kind(), failure.reason() + (attempts.get() > 1
                        ? " (after " + attempts.get() + " attempts)" : ""), attempts.get(), secret);
            }
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            TokenUsage usage = response.tokenUsage();
            // The simulated server says so in OpenAI's fingerprint, and in the response id in every format.
            boolean simulated = response.metadata() instanceof OpenAiChatResponseMetadata openAi
                    && SIMULATED_FINGERPRINT.equals(openAi.systemFingerprint())
                    || response.metadata() != null && response.metadata().id() != null
                    && response.metadata().id().startsWith(SIMULATED_FINGERPRINT);
            String text = response.aiMessage() == null ? null : response.aiMessage().text();
            return new Completion(text == null ? "" : text,
                    usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                    usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                    latencyMs, simulated, attempts.get());
        }

        /** Exponential from the first delay, capped, with full jitter in its upper half; Retry-After wins if longer. */
        static long backoffMillis(CallPolicy policy, int attempt, Optional<Duration> retryAfter) {
            double exponential = policy.firstRetryDelay().toMillis() * Math.pow(2, Math.max(0, attempt - 1));
            long capped = (long) Math.min(exponential, policy.maxRetryDelay().toMillis());
            long jittered = capped / 2 + (capped > 1 ? ThreadLocalRandom.current().nextLong(capped - capped / 2) : 0);
            return Math.max(jittered, retryAfter.map(Duration::toMillis).orElse(0L));
        }

        /**
         * A limiter that spreads the per-minute limit evenly: refilled every second with a sixtieth of it,
         * or, below one a second, one permit every 60 s / limit.
         */
        private static RateLimiter limiter(String name, double perMinute) {
            boolean perSecond = perMinute >= 60;
            return RateLimiter.of(name, RateLimiterConfig.custom()
                    .limitRefreshPeriod(perSecond ? Duration.ofSeconds(1) : Duration.ofMillis(Math.round(60_000 / perMinute)))
                    .limitForPeriod(perSecond ? (int) Math.round(perMinute / 60) : 1)
                    .timeoutDuration(Duration.ofMinutes(10))
                    .build());
        }

        /** A call reserving more than a minute's tokens would wait for ever: it takes a whole minute's worth. */
        private static int capacity(RateLimiter limiter) {
            RateLimiterConfig config = limiter.getRateLimiterConfig();
            return (int) Math.max(1, config.getLimitForPeriod() * (60_000 / Math.max(1, config.getLimitRefreshPeriod().toMillis())));
        }
    }
}
