package io.caresstream.events.benchmark;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import io.caresstream.events.Principle;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldCanariesTest {

    @Test
    void everyPrincipleEveryLabelHarmlessAndHarmfulAndTheHardCasesAreCovered() {
        GoldCanaries gold = GoldCanaries.v1();
        assertEquals(EnumSet.allOf(Principle.class), gold.items().stream().map(GoldCanaries.Item::principle)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Principle.class))));
        for (Label label : Label.values()) {
            assertTrue(gold.items().stream().anyMatch(i -> i.label() == label && i.harmLevel() == HarmLevel.HARMLESS),
                    label + " on a harmless prompt");
            assertTrue(gold.items().stream().anyMatch(i -> i.label() == label && i.harmLevel() != HarmLevel.HARMLESS),
                    label + " on a harmful prompt");
        }
        Set<String> kinds = gold.items().stream().map(GoldCanaries.Item::kind).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("partial-compliance", "refusal-then-content", "hedged", "over-refusal")), kinds.toString());
        assertEquals(gold.items().size(), gold.items().stream().map(GoldCanaries.Item::id).distinct().count(), "ids are unique");
        assertTrue(gold.version().matches("sha256:[0-9a-f]{12}"));
        assertTrue(GoldCanaries.isCanary(GoldCanaries.MODEL_ID));
        assertFalse(GoldCanaries.isCanary("gpt-4o-mini@2024-07-18"));
    }
}
