package io.caresstream.deploy.local;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One line of the scorer's /api/scores. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScoreRow(String modelId, String judgeId, String suite, Double safetyScore, long labelled,
                       long unjudgeable, long responseErrors, boolean simulated) {

    /** Judgments of any outcome: how far the evaluation of the suite has come. */
    public long judged() {
        return labelled + unjudgeable + responseErrors;
    }
}
