package io.caresstream.promptgenerator.domain;

import io.caresstream.events.DatasetProvenance;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {

    /** 1,000 prompts in unequal strata: harm level 0 holds 40 %, level 3 only 10 %. */
    private static List<PromptEvent> suite() {
        List<PromptEvent> prompts = new ArrayList<>();
        int[] perLevel = {400, 250, 250, 100};
        int n = 0;
        for (int level = 0; level < 4; level++) {
            for (int i = 0; i < perLevel[level]; i++, n++) {
                PromptMetadata metadata = PromptMetadata.newBuilder().setSuite("s")
                        .setPrinciple(Principle.values()[i % 2]).setHarmLevel(HarmLevel.values()[level])
                        .setMethod(Method.values()[(i / 2) % 4]).setGenerator(i % 5 == 0 ? "gpt" : "claude")
                        .setBasePromptId("b" + i).setDataset(new DatasetProvenance("d", "r", "test", "mem")).build();
                prompts.add(PromptEvent.newBuilder().setPromptId("p" + n).setMetadata(metadata).setBasePrompt("b")
                        .setPrompt("prompt " + n).setCreatedAt(Instant.EPOCH).build());
            }
        }
        return prompts;
    }

    private static String stratum(PromptEvent p) {
        return p.getMetadata().getPrinciple() + "/" + p.getMetadata().getHarmLevel() + "/" + p.getMetadata().getMethod();
    }

    @Test
    void aStratifiedSampleKeepsEachStratumsShare() {
        List<PromptEvent> sample = new Selection(null, null, null, null, 100, 7L).apply(suite());
        assertEquals(100, sample.size());
        assertEquals(100, sample.stream().map(PromptEvent::getPromptId).distinct().count());
        Map<HarmLevel, Long> levels = sample.stream()
                .collect(Collectors.groupingBy(p -> p.getMetadata().getHarmLevel(), Collectors.counting()));
        assertEquals(Map.of(HarmLevel.HARMLESS, 40L, HarmLevel.MILDLY_HARMFUL, 25L,
                HarmLevel.MODERATELY_HARMFUL, 25L, HarmLevel.HIGHLY_HARMFUL, 10L), levels);
        // Strata are principle x level x method (32 here): none is a whole prompt away from its exact share.
        Map<String, Long> taken = sample.stream().collect(Collectors.groupingBy(SelectionTest::stratum, Collectors.counting()));
        Map<String, Long> sizes = suite().stream().collect(Collectors.groupingBy(SelectionTest::stratum, Collectors.counting()));
        sizes.forEach((stratum, size) -> assertTrue(Math.abs(taken.getOrDefault(stratum, 0L) - size / 10.0) < 1.0, stratum));
    }

    @Test
    void theSampleDependsOnTheSeedButNotOnTheFileOrder() {
        List<PromptEvent> shuffled = new ArrayList<>(suite());
        Collections.shuffle(shuffled, new java.util.Random(1));
        Function<List<PromptEvent>, Set<String>> ids = l -> l.stream().map(PromptEvent::getPromptId).collect(Collectors.toSet());
        Selection seeded = new Selection(null, null, null, null, 50, 42L);
        assertEquals(ids.apply(seeded.apply(suite())), ids.apply(seeded.apply(shuffled)));
        assertNotEquals(ids.apply(seeded.apply(suite())), ids.apply(new Selection(null, null, null, null, 50, 43L).apply(suite())));
    }

    @Test
    void filtersComeBeforeTheSample() {
        List<PromptEvent> kept = new Selection(Set.of(1), Set.of(0, 3), Set.of("role_play"), Set.of("gpt"), null, null)
                .apply(suite());
        assertTrue(!kept.isEmpty());
        kept.forEach(p -> {
            assertEquals(Principle.values()[1], p.getMetadata().getPrinciple());
            assertTrue(Set.of(HarmLevel.HARMLESS, HarmLevel.HIGHLY_HARMFUL).contains(p.getMetadata().getHarmLevel()));
            assertEquals(Method.ROLE_PLAY, p.getMetadata().getMethod());
            assertEquals("gpt", p.getMetadata().getGenerator());
        });
        assertEquals(suite().size(), Selection.ALL.apply(suite()).size());
    }

    @Test
    void badSelectionsAreRejectedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Selection(Set.of(8), null, null, null, null, null))
                .getMessage().contains("0..7"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Selection(null, null, Set.of("jailbreak"), null, null, null))
                .getMessage().contains("jailbreak"));
        assertThrows(IllegalArgumentException.class, () -> new Selection(null, null, null, null, 0, null));
    }
}
