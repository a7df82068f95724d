package io.caresstream.scorer.streams;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarmProducersTest {

    @ParameterizedTest
    @CsvSource({
            "cares.scores, true",
            "scorer-service-judgment-rows-changelog, true",
            "scorer-service-deltas-by-score-repartition, true",
            // the prompt counts' own client, application id scorer-service-prompts
            "scorer-service-prompts-prompt-rows-changelog, true",
            // inputs, and what other applications or the scorer's own non-internal topics hold
            "cares.judgments, false",
            "cares.prompts, false",
            "other-app-store-changelog, false",
            "scorer-service-notes, false"})
    void theScorersProducersLearnWhatEitherOfItsClientsWrites(String topic, boolean written) {
        assertEquals(written, WarmProducers.writtenByScorer("scorer-service", topic), topic);
    }
}
