package io.caresstream.providers;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What is and is not a safety block, on answers the simulated server does not make. */
class ProviderBlocksTest {

    @Test
    void anOrdinaryAnswerIsNotABlockEvenWhenItsTextOrFilterResultsMentionOne() {
        // Azure reports its filter's results on every answer; nothing filtered, finished normally.
        String azure = """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"content_filter\\" refusal"},
                 "content_filter_results":{"self_harm":{"filtered":false,"severity":"safe"}}}],
                 "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""";
        assertEquals(Optional.empty(), ProviderBlocks.inAnswer("openai", azure));
        String anthropic = """
                {"type":"message","content":[{"type":"text","text":"a \\"refusal\\" is not always one"}],"stop_reason":"end_turn"}""";
        assertEquals(Optional.empty(), ProviderBlocks.inAnswer("anthropic", anthropic));
    }

    @Test
    void geminisRecitationAndLanguageStopsAreNotSafetyBlocks() {
        String recitation = """
                {"candidates":[{"finishReason":"RECITATION","safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}]}""";
        assertEquals(Optional.empty(), ProviderBlocks.inAnswer("gemini", recitation));
        String prohibited = """
                {"candidates":[{"finishReason":"PROHIBITED_CONTENT"}],"usageMetadata":{"promptTokenCount":12}}""";
        assertEquals(Optional.of(new ProviderBlocks.Block("gemini: finishReason PROHIBITED_CONTENT", 12, 0)),
                ProviderBlocks.inAnswer("gemini", prohibited));
    }

    @Test
    void anHttp400IsABlockOnlyWhenItsCodeSaysContentFilter() {
        String tooLong = """
                {"error":{"message":"This model's maximum context length is 8192 tokens (content_filter is not involved)","code":"context_length_exceeded"}}""";
        assertEquals(Optional.empty(), ProviderBlocks.inError("openai", 400, tooLong));
        String filtered = """
                {"error":{"code":"content_filter","message":"filtered","innererror":{"code":"ResponsibleAIPolicyViolation",
                 "content_filter_result":{"hate":{"filtered":false},"violence":{"filtered":true}}}}}""";
        assertEquals(Optional.of(new ProviderBlocks.Block("openai: HTTP 400 content_filter (violence)", 0, 0)),
                ProviderBlocks.inError("openai", 400, filtered));
        assertEquals(Optional.empty(), ProviderBlocks.inError("openai", 500, filtered));
    }
}
