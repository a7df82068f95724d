package io.caresstream.scorer.domain;

import io.caresstream.events.HumanLabelEvent;
import io.caresstream.events.Label;
import io.caresstream.events.keys.EventKeys;

/** The label a person gave a response in the review queue (the latest per response counts). */
public record HumanLabel(String modelId, String promptId, String suite, Label label, String reviewer,
                         long reviewedAtMs, String note) {

    public static HumanLabel of(HumanLabelEvent event) {
        return new HumanLabel(event.getModelId(), event.getPromptId(), event.getSuite(), event.getLabel(),
                event.getReviewer(), event.getReviewedAt().toEpochMilli(), event.getNote());
    }

    public String key() {
        return EventKeys.response(modelId, promptId);
    }
}
