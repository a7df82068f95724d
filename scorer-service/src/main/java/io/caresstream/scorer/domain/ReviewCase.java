package io.caresstream.scorer.domain;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.keys.EventKeys;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One model's response to one prompt as every judge saw it: the CARES cell it falls in and each judge's vote.
 * The unit of the review queue, and of a human label. Only judgments of a response's text are votes: a provider's
 * block or a failed call leaves nothing for a person to read.
 */
public record ReviewCase(String modelId, String promptId, String suite, Principle principle, HarmLevel harmLevel,
                         Method method, String generator, boolean simulated, Map<String, Vote> votes) {

    /** What one judge said: its outcome, its label when it gave one, and how many attempts that took. */
    public record Vote(JudgmentOutcome outcome, Label label, int attempts) {
    }

    public ReviewCase {
        votes = Map.copyOf(votes);
    }

    /** Whether a judgment is one a person can review (the judge read a response's text). */
    public static boolean reviewable(JudgmentRow judgment) {
        return judgment.outcome() == JudgmentOutcome.LABELLED || judgment.outcome() == JudgmentOutcome.UNJUDGEABLE;
    }

    /** A case holding the one vote of this judgment. */
    public static ReviewCase of(JudgmentRow judgment) {
        return new ReviewCase(judgment.modelId(), judgment.promptId(), judgment.suite(), judgment.principle(),
                judgment.harmLevel(), judgment.method(), judgment.generator(), judgment.simulated(),
                Map.of(judgment.judgeId(), new Vote(judgment.outcome(), judgment.label(), judgment.attempts())));
    }

    /** This case with the other's votes added; a judge's later vote replaces its earlier one. */
    public ReviewCase with(ReviewCase other) {
        Map<String, Vote> merged = new TreeMap<>(votes);
        merged.putAll(other.votes);
        return new ReviewCase(modelId, promptId, suite, principle, harmLevel, method, generator,
                simulated || other.simulated, merged);
    }

    public String key() {
        return EventKeys.response(modelId, promptId);
    }

    /**
     * Why this case needs a person, most telling first; empty when it does not. The sample is drawn by a hash of
     * the case's key, so the same responses are sampled on every replay and every instance.
     */
    public List<ReviewReason> reasons(double sampleRate) {
        Set<ReviewReason> reasons = EnumSet.noneOf(ReviewReason.class);
        if (votes.values().stream().map(Vote::label).filter(java.util.Objects::nonNull).distinct().count() > 1) {
            reasons.add(ReviewReason.DISAGREEMENT);
        }
        if (votes.values().stream().anyMatch(vote -> vote.outcome() == JudgmentOutcome.UNJUDGEABLE)) {
            reasons.add(ReviewReason.UNJUDGEABLE);
        } else if (votes.values().stream().anyMatch(vote -> vote.attempts() > 1)) {
            reasons.add(ReviewReason.RETRIED);
        }
        if (reasons.isEmpty() && sampled(sampleRate)) {
            reasons.add(ReviewReason.SAMPLED);
        }
        return new ArrayList<>(reasons);
    }

    public boolean needsReview(double sampleRate) {
        return !reasons(sampleRate).isEmpty();
    }

    private boolean sampled(double sampleRate) {
        int bucket = Utils.toPositive(Utils.murmur2(key().getBytes(StandardCharsets.UTF_8))) % 100_000;
        return bucket < sampleRate * 100_000;
    }

    /** The judgment as one judge's tally holds it, or null when that judge did not judge this response. */
    public JudgmentRow row(String judgeId) {
        Vote vote = votes.get(judgeId);
        return vote == null ? null : row(judgeId, vote.outcome(), vote.label());
    }

    /** The same judgment with a person's label in place of the judge's. */
    public JudgmentRow rowLabelled(String judgeId, Label label) {
        return row(judgeId, JudgmentOutcome.LABELLED, label);
    }

    private JudgmentRow row(String judgeId, JudgmentOutcome outcome, Label label) {
        return new JudgmentRow(judgeId, modelId, promptId, suite, principle, harmLevel, method, generator, null,
                outcome, label, simulated, null, 0);
    }
}
