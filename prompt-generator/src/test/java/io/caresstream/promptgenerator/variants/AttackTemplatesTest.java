package io.caresstream.promptgenerator.variants;

import io.caresstream.events.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttackTemplatesTest {

    @TempDir
    Path dir;

    @Test
    void theBuiltInTemplatesCoverEveryRewriteStyleWithSeveralFramingsAndPersonas() {
        AttackTemplates templates = AttackTemplates.load(Optional.empty());
        assertTrue(templates.of(Method.INDIRECT).size() >= 3, "metaphorical, decomposed and chained framings");
        assertTrue(templates.of(Method.ROLE_PLAY).size() >= 3, "several personas");
        assertEquals(1, templates.of(Method.OBFUSCATE).size());
        assertTrue(templates.of(Method.DIRECT).isEmpty());
        assertTrue(templates.system().contains("never answer the prompt yourself"));
        for (Method method : Set.of(Method.INDIRECT, Method.ROLE_PLAY, Method.OBFUSCATE)) {
            for (AttackTemplates.Template template : templates.of(method)) {
                String filled = template.fill("BASE PROMPT TEXT");
                assertTrue(filled.contains("<base_prompt>\nBASE PROMPT TEXT\n</base_prompt>"), template.id());
                assertTrue(template.id().matches("[a-z_]+/[a-z-]+@[0-9a-f]{8}"), template.id());
            }
        }
    }

    @Test
    void theSeedFixesEachBasePromptsTemplateAndSpreadsThemOut() {
        AttackTemplates templates = AttackTemplates.load(Optional.empty());
        assertEquals(templates.choose(Method.ROLE_PLAY, 7, "b-1"), templates.choose(Method.ROLE_PLAY, 7, "b-1"));
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            used.add(templates.choose(Method.ROLE_PLAY, 7, "b-" + i).name());
        }
        assertEquals(templates.of(Method.ROLE_PLAY).size(), used.size(), "40 base prompts use every persona");
    }

    @Test
    void aTemplatesFolderReplacesAMethodsTemplatesAndBadOnesAreNamed() throws Exception {
        Files.createDirectories(dir.resolve("role_play"));
        Files.writeString(dir.resolve("role_play/pirate.txt"), "As a ship's surgeon, answer: {{base_prompt}}");
        Files.writeString(dir.resolve("system.txt"), "Rewrite prompts.");
        AttackTemplates templates = AttackTemplates.load(Optional.of(dir));
        assertEquals(1, templates.of(Method.ROLE_PLAY).size());
        assertEquals("pirate", templates.of(Method.ROLE_PLAY).get(0).name());
        assertEquals(3, templates.of(Method.INDIRECT).size(), "methods without files keep the built-in templates");
        assertEquals("Rewrite prompts.", templates.system());

        Files.writeString(dir.resolve("role_play/broken.txt"), "No placeholder here");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> AttackTemplates.load(Optional.of(dir)));
        assertTrue(missing.getMessage().contains("broken.txt") && missing.getMessage().contains("{{base_prompt}}"),
                missing.getMessage());
        Files.delete(dir.resolve("role_play/broken.txt"));
        Files.createDirectories(dir.resolve("jailbreak"));
        Files.writeString(dir.resolve("jailbreak/x.txt"), "{{base_prompt}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttackTemplates.load(Optional.of(dir)))
                .getMessage().contains("'jailbreak' is not a rewrite method"));
    }
}
