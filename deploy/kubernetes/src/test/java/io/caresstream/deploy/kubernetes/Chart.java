package io.caresstream.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The chart in deploy/kubernetes/cares-stream, rendered by Helm itself (helm template) into its objects. */
final class Chart {

    static final YAMLMapper YAML = new YAMLMapper();

    static Path root() {
        return Path.of(System.getProperty("cares.root", "../..")).toAbsolutePath().normalize();
    }

    static Path directory() {
        return root().resolve("deploy/kubernetes/cares-stream");
    }

    /** The values files a user picks from: the defaults alone, and each overlay on them. */
    static List<String> valuesFiles() {
        return List.of("values.yaml", "values-local.yaml", "values-production.yaml");
    }

    /** The Kubernetes version rendered for: the oldest the chart supports (Chart.yaml kubeVersion) is 1.27. */
    static final String KUBE_VERSION = "v1.31.0";

    /** helm template of the chart, as a release "cares" in the namespace "cares". */
    static TemplateCommand template() {
        return new Helm(directory()).template().withName("cares").withNamespace("cares").withKubeVersion(KUBE_VERSION);
    }

    /** Renders the chart with a values file (values.yaml is always under it). */
    static List<ObjectNode> render(String valuesFile) {
        TemplateCommand template = template();
        if (!valuesFile.equals("values.yaml")) {
            template = template.withValuesFile(directory().resolve(valuesFile));
        }
        return parse(template.call());
    }

    /** Every document of a multi-document YAML text that holds an object. */
    static List<ObjectNode> parse(String yaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document instanceof ObjectNode object && !object.isEmpty()) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Helm rendered YAML that does not parse: " + e.getMessage(), e);
        }
        return objects;
    }

    /** A values file as a tree, for what the test must know of it (the Secrets its user makes). */
    static JsonNode values(String valuesFile) {
        try {
            JsonNode defaults = YAML.readTree(directory().resolve("values.yaml").toFile());
            if (valuesFile.equals("values.yaml")) {
                return defaults;
            }
            return YAML.readerForUpdating(defaults).readValue(directory().resolve(valuesFile).toFile());
        } catch (IOException e) {
            throw new IllegalStateException(valuesFile + ": " + e.getMessage(), e);
        }
    }

    static Optional<ObjectNode> find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())
                && name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    static Stream<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Chart() {
    }
}
