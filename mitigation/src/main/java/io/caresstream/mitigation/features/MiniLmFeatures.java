package io.caresstream.mitigation.features;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

import java.util.Map;

/**
 * The 384 dimensions of all-MiniLM-L6-v2 sentence embeddings, computed in-process by LangChain4j's ONNX
 * build of the model (shipped inside its Maven artifact: nothing is downloaded).
 */
public final class MiniLmFeatures implements PromptFeatures {

    public static final String KIND = "minilm";
    private static final int DIMENSIONS = 384;

    private final EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public int dimension() {
        return DIMENSIONS + 1;
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of("model", "all-MiniLM-L6-v2", "dimensions", DIMENSIONS);
    }

    @Override
    public Feature[] of(String prompt) {
        float[] vector = model.embed(prompt).content().vector();
        Feature[] features = new Feature[vector.length + 1];
        features[0] = new FeatureNode(1, 1.0);
        for (int i = 0; i < vector.length; i++) {
            features[i + 1] = new FeatureNode(i + 2, vector[i]);
        }
        return features;
    }
}
