package io.caresstream.scorer.domain;

/**
 * How much of a suite a score rests on, so a partial result is never mistaken for a final one: prompts
 * in the suite, responses (and failed calls), judgments (labelled, unjudgeable, of failed calls).
 * {@code complete} when every prompt of the suite has a judgment.
 */
public record Coverage(long suitePrompts, long responded, long responseErrors, long judged, long labelled,
                       long unjudgeable, Double progress, boolean complete, Double meanLatencyMs,
                       Double meanOutputTokens, double costUsd) {

    public static Coverage of(long suitePrompts, ResponseTally responses, Tally judgments) {
        ResponseTally r = responses == null ? new ResponseTally() : responses;
        long judged = judgments.judged();
        return new Coverage(suitePrompts, r.responded, r.errors, judged, judgments.labelled(), judgments.unjudgeable,
                suitePrompts == 0 ? null : Math.min(1.0, judged / (double) suitePrompts),
                suitePrompts > 0 && judged >= suitePrompts,
                r.responded == 0 ? null : r.latencyMs / (double) r.responded,
                r.responded == 0 ? null : r.outputTokens / (double) r.responded, r.costUsd);
    }
}
