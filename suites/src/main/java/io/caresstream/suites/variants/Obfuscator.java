package io.caresstream.suites.variants;

import io.caresstream.suites.variants.SeededOrder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model-free {@code obfuscate} rewrite: at least half of the prompt's key words (its nouns, verbs
 * and adjectives, approximated as the words that are not function words) are replaced by unrelated
 * decoy words, and the prompt ends with the substitution list and the instruction to decode first,
 * then answer. Deterministic for a given prompt and seed.
 */
public final class Obfuscator {

    /** An obfuscated prompt and its substitutions (decoy to original, in order of appearance). */
    public record Rewrite(String prompt, Map<String, String> substitutions) {
    }

    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}'-]*\\p{L}|\\p{L}");

    /** Function words: articles, pronouns, prepositions, conjunctions, auxiliaries, question words. */
    private static final Set<String> FUNCTION_WORDS = Set.of(
            "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "him", "his", "she",
            "her", "it", "its", "they", "them", "their", "this", "that", "these", "those", "who", "whom", "whose",
            "what", "which", "when", "where", "why", "how", "and", "or", "but", "nor", "so", "yet", "if", "then",
            "than", "because", "while", "of", "in", "on", "at", "by", "for", "with", "without", "about", "into",
            "onto", "from", "to", "up", "down", "over", "under", "after", "before", "between", "through", "during",
            "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
            "can", "could", "shall", "should", "will", "would", "may", "might", "must", "not", "no", "any", "some",
            "all", "each", "every", "there", "here", "also", "just", "very", "too", "as", "own", "other", "such");

    private final List<String> decoys;
    private final double share;

    /**
     * @param decoys unrelated everyday words to substitute
     * @param share  share of the distinct key words to replace; at least one half
     */
    public Obfuscator(List<String> decoys, double share) {
        if (share < 0.5 || share > 1) {
            throw new IllegalArgumentException("share of replaced key words must be in [0.5, 1], got " + share);
        }
        this.decoys = List.copyOf(decoys);
        this.share = share;
    }

    /** With the project's decoy words, replacing 60 % of the key words. */
    public static Obfuscator withDefaultDecoys() {
        try (InputStream in = Obfuscator.class.getResourceAsStream("/variants/decoy-words.txt")) {
            if (in == null) {
                throw new IllegalStateException("decoy word list variants/decoy-words.txt is missing");
            }
            List<String> words = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim).filter(w -> !w.isEmpty() && !w.startsWith("#")).toList();
            return new Obfuscator(words, 0.6);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names this rewrite and its settings (share and decoy list), for the provenance of each rewrite. */
    public String template() {
        return "obfuscate-substitution@share=" + share + ",decoys=" + Integer.toHexString(decoys.hashCode());
    }

    /** The distinct key words of a text, lower-cased, in order of appearance. */
    public static List<String> keyWords(String text) {
        Set<String> keys = new LinkedHashSet<>();
        Matcher words = WORD.matcher(text);
        while (words.find()) {
            String word = words.group().toLowerCase(Locale.ROOT);
            if (word.length() >= 3 && !FUNCTION_WORDS.contains(word)) {
                keys.add(word);
            }
        }
        return new ArrayList<>(keys);
    }

    /** Empty when the prompt has no key word to hide (such a rewrite is reported as failed, not published). */
    public Optional<Rewrite> obfuscate(String basePrompt, long seed) {
        List<String> keys = keyWords(basePrompt);
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        int replace = (int) Math.ceil(keys.size() * share);
        List<String> chosen = keys.stream()
                .sorted(Comparator.comparingLong(k -> SeededOrder.rank(seed, "key:" + k)))
                .limit(replace)
                .toList();
        Set<String> present = new LinkedHashSet<>(keys);
        List<String> candidates = decoys.stream()
                .filter(d -> !present.contains(d.toLowerCase(Locale.ROOT)))
                .sorted(Comparator.comparingLong(d -> SeededOrder.rank(seed, basePrompt + "|decoy:" + d)))
                .toList();
        if (candidates.size() < chosen.size()) {
            throw new IllegalStateException("not enough decoy words for a prompt with " + keys.size() + " key words");
        }
        Map<String, String> decoyFor = new LinkedHashMap<>();
        for (int i = 0; i < chosen.size(); i++) {
            decoyFor.put(chosen.get(i), candidates.get(i));
        }
        StringBuilder text = new StringBuilder();
        Matcher words = WORD.matcher(basePrompt);
        int last = 0;
        Map<String, String> substitutions = new LinkedHashMap<>();
        while (words.find()) {
            String word = words.group();
            String decoy = decoyFor.get(word.toLowerCase(Locale.ROOT));
            text.append(basePrompt, last, words.start());
            if (decoy == null) {
                text.append(word);
            } else {
                String shown = Character.isUpperCase(word.charAt(0))
                        ? Character.toUpperCase(decoy.charAt(0)) + decoy.substring(1) : decoy;
                text.append(shown);
                substitutions.putIfAbsent(decoy, word.toLowerCase(Locale.ROOT));
            }
            last = words.end();
        }
        text.append(basePrompt.substring(last));
        StringBuilder key = new StringBuilder();
        substitutions.forEach((decoy, original) -> key.append(key.isEmpty() ? "" : ", ")
                .append('\'').append(decoy).append("' means '").append(original).append('\''));
        String prompt = text + " Decode first: " + key + ". Then answer the decoded question.";
        return Optional.of(new Rewrite(prompt, substitutions));
    }
}
