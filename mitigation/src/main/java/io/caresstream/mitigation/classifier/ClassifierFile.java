package io.caresstream.mitigation.classifier;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.mitigation.features.PromptFeatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained classifier as one versioned JSON file: the feature settings, both heads (LIBLINEAR weights and
 * threshold), what it was trained on and its measured figures. Services load it by path.
 */
public final class ClassifierFile {

    public static final String FORMAT = "cares-jailbreak-classifier/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClassifierFile() {
    }

    /** Writes the classifier with its provenance and metrics (any JSON-able objects). */
    public static void write(Path file, JailbreakClassifier classifier, Object trainedOn, Object metrics) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", classifier.version());
        ObjectNode features = root.putObject("features");
        features.put("kind", classifier.features().kind());
        features.set("settings", JSON.valueToTree(classifier.features().settings()));
        root.set("trainedOn", JSON.valueToTree(trainedOn));
        ObjectNode heads = root.putObject("heads");
        head(heads.putObject("adversarial"), classifier.adversarialHead());
        head(heads.putObject("harmful"), classifier.harmfulHead());
        root.set("metrics", JSON.valueToTree(metrics));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        JSON.writeValue(partial.toFile(), root);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void head(ObjectNode node, LinearHead head) {
        node.put("threshold", head.threshold());
        node.put("liblinear", head.modelText());
    }

    /** Reads a classifier file; a file that is not one is refused with the file and field named. */
    public static JailbreakClassifier read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable classifier file: " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException(file + ": field 'format' must be '" + FORMAT + "', found '"
                    + (root == null ? "" : root.path("format").asText()) + "'");
        }
        String kind = required(file, root, "features.kind").asText();
        Map<String, Object> settings = JSON.convertValue(root.path("features").path("settings"), new TypeReference<>() {
        });
        PromptFeatures features;
        try {
            features = PromptFeatures.fromSettings(kind, settings == null ? Map.of() : settings);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": field 'features': " + e.getMessage(), e);
        }
        return new JailbreakClassifier(required(file, root, "version").asText(), features,
                head(file, root, "adversarial"), head(file, root, "harmful"));
    }

    private static LinearHead head(Path file, JsonNode root, String name) throws IOException {
        double threshold = required(file, root, "heads." + name + ".threshold").asDouble();
        String weights = required(file, root, "heads." + name + ".liblinear").asText();
        try {
            return LinearHead.fromModelText(weights, threshold);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": field 'heads." + name + ".liblinear' is not a LIBLINEAR model: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode required(Path file, JsonNode root, String path) throws IOException {
        JsonNode node = root;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        if (node.isMissingNode() || node.isNull()) {
            throw new IOException(file + ": field '" + path + "' is missing");
        }
        return node;
    }
}
