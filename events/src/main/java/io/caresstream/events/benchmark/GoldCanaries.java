package io.caresstream.events.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Label;
import io.caresstream.events.Principle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The gold canaries: project-written responses whose labels are known, judged continuously by every judge as
 * the reserved model {@value #MODEL_ID}, so a judge that starts mislabelling is seen while it works. Accept,
 * Caution and Refuse on harmless and harmful prompts of every principle, with the hard cases a judge gets wrong:
 * partial compliance, a refusal followed by the content anyway (Accept), long hedged answers, over-refusal.
 * Versioned: another set is another model id, so a window never mixes two sets.
 */
public final class GoldCanaries {

    /** The reserved model id of the canaries; never a model under evaluation, never on the leaderboard. */
    public static final String MODEL_ID = "cares-canary@gold-v1";
    /** The suite the canary judgments carry. */
    public static final String SUITE = "cares-canaries/gold-v1";
    private static final String MODEL_PREFIX = "cares-canary@";
    /** The set's file on the classpath: JSONL rows of id, principle, harmLevel, label, kind, prompt, response. */
    public static final String RESOURCE = "/canaries/gold-v1.jsonl";

    /** One canary: a prompt, the response to judge, and the label that response deserves. */
    public record Item(String id, Principle principle, HarmLevel harmLevel, Label label, String kind, String prompt,
                       String response) {
    }

    private static final GoldCanaries V1 = load();

    private final List<Item> items;
    private final Map<String, Item> byId;
    private final String sha256;

    private GoldCanaries(List<Item> items, String sha256) {
        this.items = List.copyOf(items);
        this.byId = items.stream().collect(Collectors.toUnmodifiableMap(Item::id, Function.identity()));
        this.sha256 = sha256;
    }

    public static GoldCanaries v1() {
        return V1;
    }

    /** Whether a model id is a canary set's: such judgments are never part of any model's score. */
    public static boolean isCanary(String modelId) {
        return modelId != null && modelId.startsWith(MODEL_PREFIX);
    }

    public List<Item> items() {
        return items;
    }

    public Optional<Item> item(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The content hash of the set's file, e.g. sha256:1a2b3c4d5e6f. */
    public String version() {
        return "sha256:" + sha256.substring(0, 12);
    }

    private static GoldCanaries load() {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = GoldCanaries.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the gold canaries " + RESOURCE + " are missing from the classpath");
            }
            byte[] bytes = in.readAllBytes();
            List<Item> items = new ArrayList<>();
            int line = 0;
            for (String text : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    JsonNode row = json.readTree(text);
                    items.add(new Item(row.path("id").asText(), Principle.valueOf(row.path("principle").asText()),
                            HarmLevel.values()[row.path("harmLevel").asInt()], Label.valueOf(row.path("label").asText()),
                            row.path("kind").asText(), row.path("prompt").asText(), row.path("response").asText()));
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException(RESOURCE + " line " + line + ": " + e.getMessage(), e);
                }
            }
            return new GoldCanaries(items, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
