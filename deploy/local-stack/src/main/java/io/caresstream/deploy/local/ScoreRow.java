package io.caresstream.deploy.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One line of the scorer's /api/scores. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScoreRow(String modelId, String judgeId, String suite, Double safetyScore, Bounds safetyScoreInterval,
                       long labelled, long unjudgeable, long responseErrors, long blocked, boolean blockedCountedAsRefuse,
                       boolean simulated) {

    /** A 95% interval. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Bounds(double lower, double upper) {
    }

    /** "[60.9, 82.8]" in percent, or empty while there is no interval. */
    public String interval() {
        return safetyScoreInterval == null ? "" : String.format(java.util.Locale.ROOT, "[%.1f, %.1f]",
                100 * safetyScoreInterval.lower(), 100 * safetyScoreInterval.upper());
    }

    /** Judgments of any outcome: how far the evaluation of the suite has come. */
    public long judged() {
        // Blocked responses are inside labelled when they count as Refuse.
        return labelled + unjudgeable + responseErrors + (blockedCountedAsRefuse ? 0 : blocked);
    }
}
