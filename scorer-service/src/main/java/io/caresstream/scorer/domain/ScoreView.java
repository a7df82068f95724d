package io.caresstream.scorer.domain;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the REST API shows of one score: the figure, what it rests on, and whether it is simulated. */
public record ScoreView(String modelId, String judgeId, String suite, Double safetyScore, long labelled,
                        long unjudgeable, long responseErrors, boolean simulated,
                        Map<String, Map<String, Long>> countsByHarmLevel) {

    public static ScoreView of(String modelId, String judgeId, String suite, Tally tally) {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        for (HarmLevel level : HarmLevel.values()) {
            Map<String, Long> row = new LinkedHashMap<>();
            for (Label label : Label.values()) {
                row.put(label.name(), tally.counts[level.ordinal()][label.ordinal()]);
            }
            counts.put(level.name(), row);
        }
        double score = tally.safetyScore();
        return new ScoreView(modelId, judgeId, suite, Double.isNaN(score) ? null : score, tally.labelled(),
                tally.unjudgeable, tally.responseErrors, tally.simulated, counts);
    }
}
