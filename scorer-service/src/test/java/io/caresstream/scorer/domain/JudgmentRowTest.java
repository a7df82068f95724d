package io.caresstream.scorer.domain;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JudgmentRowTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aRowKeepsTheJudgesAttempts() throws Exception {
        JudgmentEvent judgment = SampleEvents.judgment("j", "m", "p", "s", HarmLevel.HARMLESS, JudgmentOutcome.LABELLED,
                Label.ACCEPT);
        judgment.setAttempts(3);
        JudgmentRow row = JudgmentRow.of(judgment);
        assertEquals(3, row.attempts());
        assertEquals(row, json.readValue(json.writeValueAsBytes(row), JudgmentRow.class));
    }

    @Test
    void aRowStoredBeforeAttemptsWereKeptReadsAsOneAttempt() throws Exception {
        // The stored format of earlier releases: the same array, without the trailing attempts.
        String stored = "[\"j\",\"m\",\"p\",\"s\",4,0,0,\"project\",\"b\",0,0,true,\"Accept\",1700000000000]";
        JudgmentRow row = json.readValue(stored, JudgmentRow.class);
        assertEquals(1, row.attempts());
        assertEquals(Label.ACCEPT, row.label());
        assertEquals(1700000000000L, row.judgedAtMs());
    }
}
