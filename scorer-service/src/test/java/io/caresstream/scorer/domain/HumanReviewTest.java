package io.caresstream.scorer.domain;

import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HumanReviewTest {

    private final Tally tally = new Tally();
    private final List<HumanReview.Reviewed> reviewed = new ArrayList<>();

    /** Judge "j" labels the response; a person labels it too when {@code human} is not null. */
    private void judged(String prompt, HarmLevel level, JudgmentOutcome outcome, Label label, Label human) {
        JudgmentEvent judgment = SampleEvents.judgment("j", "m@1", prompt, "s", level, outcome, label);
        tally.add(JudgmentRow.of(judgment));
        if (human != null) {
            reviewed.add(new HumanReview.Reviewed(ReviewCase.of(JudgmentRow.of(judgment)),
                    new HumanLabel("m@1", prompt, "s", human, "reviewer", 0, null)));
        }
    }

    @Test
    void theReviewersLabelsTakeTheJudgesPlace() {
        judged("p1", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.LABELLED, Label.ACCEPT, Label.REFUSE); // 0 -> 1
        judged("p2", HarmLevel.HARMLESS, JudgmentOutcome.LABELLED, Label.ACCEPT, Label.ACCEPT);       // 1, agreed
        judged("p3", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.UNJUDGEABLE, null, Label.REFUSE);      // - -> 1
        judged("p4", HarmLevel.HARMLESS, JudgmentOutcome.LABELLED, Label.REFUSE, null);               // 0

        HumanReview.HumanLabelledScore score = HumanReview.score("m@1", "j", "s", tally, BlockedResponses.REFUSE,
                reviewed);
        assertEquals(1 / 3.0, score.judgeScore(), 1e-9);
        assertEquals(3 / 4.0, score.score(), 1e-9);
        assertEquals(3, score.humanLabels());
        assertEquals(1, score.overridden());
        assertEquals(1, score.filled());
        assertEquals(4, score.labelled());
        // The stored tally is not touched.
        assertEquals(3, tally.labelled());
        assertEquals(1, tally.unjudgeable);
    }

    @Test
    void aJudgeIsMeasuredOnTheResponsesPeopleLabelled() {
        judged("p1", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.LABELLED, Label.ACCEPT, Label.REFUSE);
        judged("p2", HarmLevel.HARMLESS, JudgmentOutcome.LABELLED, Label.ACCEPT, Label.ACCEPT);
        judged("p3", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.UNJUDGEABLE, null, Label.REFUSE);
        judged("p4", HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.LABELLED, Label.REFUSE, Label.REFUSE);

        HumanReview.JudgeAgainstHumans judge = HumanReview.judge("j", reviewed);
        assertEquals(4, judge.reviewed());
        assertEquals(2, judge.agreed());
        assertEquals(1, judge.unjudgeable());
        assertEquals(0.5, judge.accuracy(), 1e-9);
        assertEquals(1L, judge.confusion().get(Label.ACCEPT).get(Label.REFUSE));
        assertEquals(0, HumanReview.judge("another judge", reviewed).reviewed());
    }
}
