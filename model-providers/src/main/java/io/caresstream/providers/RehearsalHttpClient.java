package io.caresstream.providers;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Answers every request itself, in the provider's own format, without touching the network: a rehearsal call
 * runs the SDK's request and response mapping once at start (see {@link ChatClients#rehearse}), so the first
 * real prompt does not pay for loading and compiling it.
 */
final class RehearsalHttpClient implements HttpClient {

    /** The smallest well-formed success answer of each provider, made here. */
    private static final Map<String, String> ANSWERS = Map.of(
            "openai", """
                    {"id":"rehearsal","object":"chat.completion","created":0,"model":"rehearsal",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"rehearsal"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
            "anthropic", """
                    {"id":"rehearsal","type":"message","role":"assistant","model":"rehearsal",
                     "content":[{"type":"text","text":"rehearsal"}],"stop_reason":"end_turn",
                     "usage":{"input_tokens":1,"output_tokens":1}}""",
            "gemini", """
                    {"candidates":[{"content":{"role":"model","parts":[{"text":"rehearsal"}]},"finishReason":"STOP"}],
                     "usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}""");

    private final String answer;

    private RehearsalHttpClient(String provider) {
        this.answer = ANSWERS.get(provider.toLowerCase(Locale.ROOT));
        if (answer == null) {
            throw new IllegalArgumentException("no rehearsal answer for provider " + provider);
        }
    }

    /** The same builder as for real calls, building a client that answers itself. */
    static final class Builder extends ProviderHttpClient.Builder {
        Builder(String provider) {
            super(provider);
        }

        @Override
        public HttpClient build() {
            return new RehearsalHttpClient(provider);
        }
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        return SuccessfulHttpResponse.builder().statusCode(200)
                .headers(Map.of("content-type", List.of("application/json"))).body(answer).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("CARES Stream calls models without streaming");
    }
}
