package io.caresstream.mitigation.features;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Character 3- to 5-grams and word 1- and 2-grams, hashed into 2^bits buckets, weighted 1 + log(count) and
 * scaled to unit length. Jailbreak-style prompts give themselves away in their framing (personas, stories,
 * "hypothetically", spelled-out substitutions), which both kinds of n-gram catch; hashing keeps the model a
 * fixed size whatever the vocabulary, and a prompt costs microseconds.
 */
public final class NgramFeatures implements PromptFeatures {

    public static final String KIND = "ngram";
    private static final int FIRST_HASHED = 2;

    private final int bits;
    private final int mask;

    public NgramFeatures(int bits) {
        if (bits < 10 || bits > 24) {
            throw new IllegalArgumentException("hash bits must be between 10 and 24, not " + bits);
        }
        this.bits = bits;
        this.mask = (1 << bits) - 1;
    }

    public static NgramFeatures defaults() {
        return new NgramFeatures(18);
    }

    static NgramFeatures fromSettings(Map<String, Object> settings) {
        Object bits = settings.get("bits");
        if (!(bits instanceof Number number)) {
            throw new IllegalArgumentException("ngram features need an integer 'bits' setting, found " + bits);
        }
        return new NgramFeatures(number.intValue());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int dimension() {
        return mask + FIRST_HASHED;
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("bits", bits, "charNgrams", "3-5", "wordNgrams", "1-2");
    }

    @Override
    public Feature[] of(String prompt) {
        String text = " " + prompt.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim() + " ";
        // Bucket -> count, in an open-addressed table sized for the prompt (no boxing on the hot path).
        int capacity = Integer.highestOneBit(Math.max(16, text.length() * 8)) * 2;
        int[] keys = new int[capacity];
        float[] counts = new float[capacity];
        Arrays.fill(keys, -1);
        int used = 0;
        for (int n = 3; n <= 5; n++) {
            for (int i = 0; i + n <= text.length(); i++) {
                used += add(keys, counts, hash(text, i, i + n, n), used);
            }
        }
        String[] words = Arrays.stream(text.split("[^\\p{L}\\p{N}']+")).filter(w -> !w.isEmpty()).toArray(String[]::new);
        for (int w = 0; w < words.length; w++) {
            used += add(keys, counts, words[w].hashCode() * 31 + 7, used);
            if (w + 1 < words.length) {
                used += add(keys, counts, (words[w] + ' ' + words[w + 1]).hashCode() * 31 + 11, used);
            }
        }
        FeatureNode[] features = new FeatureNode[used + 1];
        features[0] = new FeatureNode(1, 1.0);
        double norm = 0;
        int f = 1;
        for (int slot = 0; slot < capacity; slot++) {
            if (keys[slot] >= 0) {
                double weight = 1 + Math.log(counts[slot]);
                norm += weight * weight;
                features[f++] = new FeatureNode(keys[slot] + FIRST_HASHED, weight);
            }
        }
        double scale = norm == 0 ? 1 : 1 / Math.sqrt(norm);
        for (int i = 1; i < features.length; i++) {
            features[i].setValue(features[i].getValue() * scale);
        }
        Arrays.sort(features, 1, features.length, (a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
        return features;
    }

    private int hash(String text, int from, int to, int n) {
        int h = n * 0x9E3779B9;
        for (int i = from; i < to; i++) {
            h = (h ^ text.charAt(i)) * 0x01000193;
        }
        return h;
    }

    /** Counts one n-gram in its bucket; returns 1 when the bucket was new. */
    private int add(int[] keys, float[] counts, int hash, int used) {
        int bucket = (hash ^ (hash >>> 16)) & mask;
        int slot = (bucket * 0x9E3779B1) & (keys.length - 1);
        while (keys[slot] >= 0 && keys[slot] != bucket) {
            slot = (slot + 1) & (keys.length - 1);
        }
        int added = keys[slot] < 0 ? 1 : 0;
        keys[slot] = bucket;
        counts[slot]++;
        if (used + added > keys.length * 3 / 4) {
            throw new IllegalStateException("n-gram table full");
        }
        return added;
    }
}
