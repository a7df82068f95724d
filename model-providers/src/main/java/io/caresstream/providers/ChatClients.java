package io.caresstream.providers;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds {@link ChatClient}s on LangChain4j for each supported provider. */
public final class ChatClients {

    /** Fingerprint the simulated model server sends, so its answers are always labelled simulated. */
    public static final String SIMULATED_FINGERPRINT = "cares-simulated";

    private ChatClients() {
    }

    public static ChatClient create(ChatModelSpec spec) {
        return create(spec, System.getenv());
    }

    static ChatClient create(ChatModelSpec spec, Map<String, String> environment) {
        String provider = spec.provider().toLowerCase(Locale.ROOT);
        if (!provider.equals("openai")) {
            throw new IllegalArgumentException("model " + spec.id() + ": provider '" + spec.provider()
                    + "' is not supported; supported: openai (any OpenAI-compatible endpoint)");
        }
        Optional<String> key = spec.apiKey().resolve(environment);
        ChatModel model = OpenAiChatModel.builder()
                .baseUrl(spec.baseUrl())
                // Local OpenAI-compatible servers need no key, but the client insists on one.
                .apiKey(key.orElse("no-key"))
                .modelName(spec.modelName())
                .temperature(spec.temperature())
                .maxTokens(spec.maxTokens())
                .timeout(spec.timeout())
                .maxRetries(spec.maxRetries())
                .build();
        return new LangChain4jChatClient(spec, model, key.orElse(null));
    }

    private record LangChain4jChatClient(ChatModelSpec spec, ChatModel model, String secret) implements ChatClient {

        @Override
        public Completion complete(Optional<String> systemMessage, String userMessage) {
            List<ChatMessage> messages = new ArrayList<>(2);
            systemMessage.or(spec::systemPrompt).ifPresent(text -> messages.add(SystemMessage.from(text)));
            messages.add(UserMessage.from(userMessage));
            long started = System.nanoTime();
            ChatResponse response;
            try {
                response = model.chat(messages);
            } catch (RuntimeException e) {
                throw ProviderException.of(e, secret);
            }
            long latencyMs = (System.nanoTime() - started) / 1_000_000;
            TokenUsage usage = response.tokenUsage();
            boolean simulated = response.metadata() instanceof OpenAiChatResponseMetadata openAi
                    && SIMULATED_FINGERPRINT.equals(openAi.systemFingerprint());
            String text = response.aiMessage() == null ? null : response.aiMessage().text();
            return new Completion(text == null ? "" : text,
                    usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                    usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
                    latencyMs, simulated);
        }
    }
}
