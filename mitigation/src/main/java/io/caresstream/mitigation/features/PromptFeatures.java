package io.caresstream.mitigation.features;

import de.bwaldvogel.liblinear.Feature;

import java.util.Map;

/**
 * Turns a prompt into the sparse vector a linear head reads. Index 1 is always a constant 1 (the heads'
 * intercept); the others start at 2, ascending, as LIBLINEAR wants them.
 */
public interface PromptFeatures {

    /** "ngram", or an embedding model's kind ("minilm", ...): recorded in the model file so the same features are built when it is loaded. */
    String kind();

    /** Highest feature index. */
    int dimension();

    Feature[] of(String prompt);

    /** What rebuilds these features from a model file. */
    Map<String, Object> settings();

    static PromptFeatures fromSettings(String kind, Map<String, Object> settings) {
        if (kind.equals(NgramFeatures.KIND)) {
            return NgramFeatures.fromSettings(settings);
        }
        return EmbeddingFeatures.Model.of(kind).map(EmbeddingFeatures::new).orElseThrow(() ->
                new IllegalArgumentException("unknown feature kind '" + kind + "': expected one of " + KINDS));
    }

    /** Every feature kind, for messages and help. */
    java.util.List<String> KINDS = java.util.stream.Stream.concat(java.util.stream.Stream.of(NgramFeatures.KIND),
            java.util.Arrays.stream(EmbeddingFeatures.Model.values()).map(EmbeddingFeatures.Model::kind)).toList();

    /** The features of a kind, trained afresh (n-grams with their default settings). */
    static PromptFeatures named(String kind) {
        return kind.equals(NgramFeatures.KIND) ? NgramFeatures.defaults() : fromSettings(kind, Map.of());
    }
}
