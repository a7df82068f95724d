package io.caresstream.providers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelIdsTest {

    @Test
    void anIdMustNameAVersion() {
        assertEquals("gpt-4o-mini@2024-07-18", ModelIds.requireVersion("cares.model.id", "gpt-4o-mini@2024-07-18"));
        for (String id : new String[]{"gpt-4o-mini", "gpt-4o-mini@", "@v1", "a@b@c", "a|b@v1", "a b@v1", ""}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ModelIds.requireVersion("cares.judge.id", id), id);
            assertTrue(refused.getMessage().startsWith("cares.judge.id '" + id + "' must name a version"), refused.getMessage());
        }
    }
}
