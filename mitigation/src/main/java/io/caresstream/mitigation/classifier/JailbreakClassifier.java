package io.caresstream.mitigation.classifier;

import de.bwaldvogel.liblinear.Feature;
import io.caresstream.mitigation.features.PromptFeatures;

/**
 * The CARES mitigation classifier: from a prompt alone, is it a jailbreak-style rewrite (any method but
 * direct), and is it harmful (harm level 1 or more)? Cheap enough to run before every model call.
 */
public final class JailbreakClassifier {

    /** Both answers for one prompt, with their probabilities. */
    public record Verdict(double adversarialProbability, boolean adversarial, double harmfulProbability,
                          boolean harmful) {
    }

    private final String version;
    private final PromptFeatures features;
    private final LinearHead adversarial;
    private final LinearHead harmful;

    public JailbreakClassifier(String version, PromptFeatures features, LinearHead adversarial, LinearHead harmful) {
        this.version = version;
        this.features = features;
        this.adversarial = adversarial;
        this.harmful = harmful;
    }

    public Verdict classify(String prompt) {
        Feature[] x = features.of(prompt);
        double a = adversarial.probability(x);
        double h = harmful.probability(x);
        return new Verdict(a, a >= adversarial.threshold(), h, h >= harmful.threshold());
    }

    public String version() {
        return version;
    }

    public PromptFeatures features() {
        return features;
    }

    public LinearHead adversarialHead() {
        return adversarial;
    }

    public LinearHead harmfulHead() {
        return harmful;
    }
}
