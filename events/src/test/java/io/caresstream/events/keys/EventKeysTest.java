package io.caresstream.events.keys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventKeysTest {

    @Test
    void keysRejectPartsThatWouldCollide() {
        assertEquals("judge|model|p1", EventKeys.judgment("judge", "model", "p1"));
        assertThrows(IllegalArgumentException.class, () -> EventKeys.response("a|b", "p1"));
        assertThrows(IllegalArgumentException.class, () -> EventKeys.response("", "p1"));
    }
}
