package io.caresstream.scorer.domain;

import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;

/**
 * What the scorer keeps of one response: whether it counts as answered, what it cost, whether a guard's
 * classifier fired on its prompt (null for an unguarded model), and (unless the text is switched off) the
 * prompt and answer a drill-down shows.
 */
public record ResponseRow(String modelId, String promptId, String suite, boolean ok, String error, String prompt,
                          String text, long inputTokens, long outputTokens, long latencyMs, Double costUsd,
                          Boolean guardFired) {

    public static ResponseRow of(ResponseEvent response, boolean keepText) {
        // A provider's block is an answer (a refusal); the drill-down shows its reason where an error's would be.
        boolean ok = response.getStatus() != ResponseStatus.ERROR;
        String error = response.getStatus() == ResponseStatus.BLOCKED
                ? "blocked by the provider: " + response.getBlockReason() : response.getError();
        var usage = response.getUsage();
        return new ResponseRow(response.getModelId(), response.getPromptId(), response.getMetadata().getSuite(), ok,
                error, keepText ? response.getPrompt() : null, keepText ? response.getText() : null,
                usage == null ? 0 : usage.getInputTokens(), usage == null ? 0 : usage.getOutputTokens(),
                response.getLatencyMs(), response.getCostUsd(),
                response.getGuard() == null ? null : response.getGuard().getFired());
    }
}
