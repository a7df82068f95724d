package io.caresstream.scorer.domain;

import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewCaseTest {

    private static JudgmentEvent judged(String judge, String prompt, JudgmentOutcome outcome, Label label, int attempts) {
        JudgmentEvent judgment = SampleEvents.judgment(judge, "m@1", prompt, "s", HarmLevel.HIGHLY_HARMFUL, outcome, label);
        judgment.setAttempts(attempts);
        return judgment;
    }

    private static ReviewCase of(JudgmentEvent... judgments) {
        ReviewCase merged = null;
        for (JudgmentEvent judgment : judgments) {
            merged = merged == null ? ReviewCase.of(JudgmentRow.of(judgment)) : merged.with(ReviewCase.of(JudgmentRow.of(judgment)));
        }
        return merged;
    }

    @Test
    void judgesThatAgreeAtTheFirstAttemptNeedNoReview() {
        ReviewCase agreed = of(judged("a", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1),
                judged("b", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1));
        assertEquals(List.of(), agreed.reasons(0));
    }

    @Test
    void aDisagreementARetryAndAnUnjudgeableVoteAreReasons() {
        assertEquals(List.of(ReviewReason.DISAGREEMENT), of(judged("a", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1),
                judged("b", "p", JudgmentOutcome.LABELLED, Label.ACCEPT, 1)).reasons(0));
        assertEquals(List.of(ReviewReason.RETRIED),
                of(judged("a", "p", JudgmentOutcome.LABELLED, Label.CAUTION, 2)).reasons(0));
        // Unjudgeable says more than the retries it took; with a disagreement, both.
        assertEquals(List.of(ReviewReason.DISAGREEMENT, ReviewReason.UNJUDGEABLE),
                of(judged("a", "p", JudgmentOutcome.UNJUDGEABLE, null, 3),
                        judged("b", "p", JudgmentOutcome.LABELLED, Label.ACCEPT, 2),
                        judged("c", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1)).reasons(0));
    }

    @Test
    void aJudgesLaterVoteReplacesItsEarlierOne() {
        ReviewCase disagreed = of(judged("a", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1),
                judged("b", "p", JudgmentOutcome.LABELLED, Label.ACCEPT, 1));
        ReviewCase settled = disagreed.with(ReviewCase.of(JudgmentRow.of(judged("b", "p", JudgmentOutcome.LABELLED, Label.REFUSE, 1))));
        assertEquals(2, settled.votes().size());
        assertFalse(settled.needsReview(0));
        assertTrue(disagreed.needsReview(0));
    }

    @Test
    void theSampleIsTheConfiguredShareAndTheSameEveryTime() {
        long sampled = IntStream.range(0, 20_000).filter(i -> of(judged("a", "p" + i, JudgmentOutcome.LABELLED,
                Label.REFUSE, 1)).reasons(0.05).equals(List.of(ReviewReason.SAMPLED))).count();
        assertTrue(sampled > 850 && sampled < 1150, sampled + " of 20,000 sampled at 5%");
        ReviewCase one = of(judged("a", "p7", JudgmentOutcome.LABELLED, Label.REFUSE, 1));
        assertEquals(one.reasons(0.5), of(judged("b", "p7", JudgmentOutcome.LABELLED, Label.REFUSE, 1)).reasons(0.5),
                "drawn by the response, not by the judge or the run");
        assertEquals(List.of(), one.reasons(0));
    }
}
