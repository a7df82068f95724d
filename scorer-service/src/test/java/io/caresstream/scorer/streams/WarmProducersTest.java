package io.caresstream.scorer.streams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmProducersTest {

    @Test
    void theScorersProducersLearnWhatEitherOfItsClientsWrites() {
        assertTrue(WarmProducers.writtenByScorer("scorer-service", "cares.scores"));
        assertTrue(WarmProducers.writtenByScorer("scorer-service", "scorer-service-judgment-rows-changelog"));
        assertTrue(WarmProducers.writtenByScorer("scorer-service", "scorer-service-deltas-by-score-repartition"));
        // The prompt counts' own client, application id scorer-service-prompts.
        assertTrue(WarmProducers.writtenByScorer("scorer-service", "scorer-service-prompts-prompt-rows-changelog"));
    }

    @Test
    void inputsAndOtherApplicationsTopicsAreLeftAlone() {
        assertFalse(WarmProducers.writtenByScorer("scorer-service", "cares.judgments"));
        assertFalse(WarmProducers.writtenByScorer("scorer-service", "cares.prompts"));
        assertFalse(WarmProducers.writtenByScorer("scorer-service", "other-app-store-changelog"));
        assertFalse(WarmProducers.writtenByScorer("scorer-service", "scorer-service-notes"));
    }
}
