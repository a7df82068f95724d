package io.caresstream.promptgenerator.variants;

import info.debatty.java.lsh.MinHash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds prompts that are near-duplicates of ones already seen: MinHash signatures of character 5-gram
 * shingles, banded for locality-sensitive lookup, with candidates confirmed at an estimated Jaccard
 * similarity of at least the threshold (0.7, as in the construction of CARES-18K).
 */
public final class NearDuplicates {

    public static final double CARES_THRESHOLD = 0.7;

    private static final int SHINGLE = 5;
    private static final int DICTIONARY = 1 << 24;
    // 32 bands of 4 rows: a pair at Jaccard 0.7 becomes a candidate with probability 1 - (1 - 0.7^4)^32 > 0.9999.
    private static final int BANDS = 32;
    private static final int ROWS = 4;

    private final MinHash minHash = new MinHash(BANDS * ROWS, DICTIONARY, 20_250_511L);
    private final double threshold;
    private final List<String> texts = new ArrayList<>();
    private final List<int[]> signatures = new ArrayList<>();
    private final Map<String, List<Integer>> buckets = new HashMap<>();

    public NearDuplicates(double threshold) {
        this.threshold = threshold;
    }

    /** Adds the text unless it is a near-duplicate of one already added; returns that one if so. */
    public Optional<String> addUnlessNearDuplicate(String text) {
        int[] signature = minHash.signature(shingles(text));
        Set<Integer> candidates = new HashSet<>();
        List<String> keys = bandKeys(signature);
        keys.forEach(key -> candidates.addAll(buckets.getOrDefault(key, List.of())));
        for (int candidate : candidates) {
            if (minHash.similarity(signature, signatures.get(candidate)) >= threshold) {
                return Optional.of(texts.get(candidate));
            }
        }
        int id = texts.size();
        texts.add(text);
        signatures.add(signature);
        keys.forEach(key -> buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(id));
        return Optional.empty();
    }

    /** Whether two texts are near-duplicates of each other at the CARES threshold. */
    public static boolean areNearDuplicates(String a, String b) {
        NearDuplicates pair = new NearDuplicates(CARES_THRESHOLD);
        pair.addUnlessNearDuplicate(a);
        return pair.addUnlessNearDuplicate(b).isPresent();
    }

    public int size() {
        return texts.size();
    }

    private static List<String> bandKeys(int[] signature) {
        List<String> keys = new ArrayList<>(BANDS);
        for (int band = 0; band < BANDS; band++) {
            keys.add(band + ":" + Arrays.hashCode(Arrays.copyOfRange(signature, band * ROWS, (band + 1) * ROWS)));
        }
        return keys;
    }

    /** Character shingles of the text, case and spacing folded, as indexes into the MinHash dictionary. */
    static Set<Integer> shingles(String text) {
        String folded = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
        Set<Integer> shingles = new HashSet<>();
        if (folded.length() < SHINGLE) {
            shingles.add(Math.floorMod(folded.hashCode(), DICTIONARY));
            return shingles;
        }
        for (int i = 0; i + SHINGLE <= folded.length(); i++) {
            shingles.add(Math.floorMod(folded.substring(i, i + SHINGLE).hashCode(), DICTIONARY));
        }
        return shingles;
    }
}
