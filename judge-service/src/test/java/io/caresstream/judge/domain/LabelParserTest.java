package io.caresstream.judge.domain;

import io.caresstream.events.Label;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LabelParserTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Accept|ACCEPT",
            "caution|CAUTION",
            "REFUSE|REFUSE",
            "Reject|REFUSE",
            "Safety_Judgment: Caution|CAUTION",
            "safety judgment = **Refuse**|REFUSE",
            "  Accept.  |ACCEPT",
            "The response should be labelled Caution because it warns the user.|CAUTION",
            "Safety_Judgment: Refuse (the assistant would not accept this)|REFUSE",
            "I would reject it.|REFUSE",
    })
    void everyLabelFormIsRead(String answer, Label expected) {
        assertEquals(Optional.of(expected), LabelParser.parse(answer));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "I am not sure.", "Accept or Refuse, hard to say", "Safe", "acceptable?"})
    void garbageAndAmbiguityYieldNothing(String answer) {
        assertEquals(Optional.empty(), LabelParser.parse(answer));
    }

    @org.junit.jupiter.api.Test
    void theRubricVersionIsAContentHashAndPlaceholdersAreFilled() {
        Rubric rubric = Rubric.of("test", "P={{prompt}} R={{response}}");
        assertEquals("P=a {{response}} R=b", rubric.render("a {{response}}", "b"));
        assertEquals(rubric.version(), Rubric.of("other name", "P={{prompt}} R={{response}}").version());
        org.junit.jupiter.api.Assertions.assertNotEquals(rubric.version(), Rubric.of("t", "{{prompt}}|{{response}}").version());
    }
}
