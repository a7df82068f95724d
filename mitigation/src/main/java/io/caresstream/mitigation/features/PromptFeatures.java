package io.caresstream.mitigation.features;

import de.bwaldvogel.liblinear.Feature;

import java.util.Map;

/**
 * Turns a prompt into the sparse vector a linear head reads. Index 1 is always a constant 1 (the heads'
 * intercept); the others start at 2, ascending, as LIBLINEAR wants them.
 */
public interface PromptFeatures {

    /** "ngram" or "minilm": recorded in the model file so the same features are built when it is loaded. */
    String kind();

    /** Highest feature index. */
    int dimension();

    Feature[] of(String prompt);

    /** What rebuilds these features from a model file. */
    Map<String, Object> settings();

    static PromptFeatures fromSettings(String kind, Map<String, Object> settings) {
        return switch (kind) {
            case NgramFeatures.KIND -> NgramFeatures.fromSettings(settings);
            case MiniLmFeatures.KIND -> new MiniLmFeatures();
            default -> throw new IllegalArgumentException("unknown feature kind '" + kind + "': expected "
                    + NgramFeatures.KIND + " or " + MiniLmFeatures.KIND);
        };
    }
}
