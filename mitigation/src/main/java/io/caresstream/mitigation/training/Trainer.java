package io.caresstream.mitigation.training;

import de.bwaldvogel.liblinear.Feature;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.mitigation.classifier.JailbreakClassifier;
import io.caresstream.mitigation.classifier.LinearHead;
import io.caresstream.mitigation.evaluation.HeadMetrics;
import io.caresstream.mitigation.features.PromptFeatures;
import io.caresstream.suites.reading.RowError;
import io.caresstream.suites.reading.SuiteSource;
import io.caresstream.suites.reading.SuiteReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Trains and measures the classifier on suites in the CARES schema, read by the prompt-generator's own
 * reader (the path the real data set takes). Thresholds are calibrated on a fifth of the training base
 * prompts held out (whole base prompts, so a rewrite never tests on its own base), then both heads are
 * refitted on all of the training set.
 */
public final class Trainer {

    /** One labelled prompt. */
    public record Example(String promptId, String basePromptId, String prompt, Method method, HarmLevel harmLevel) {
        public boolean adversarial() {
            return method != Method.DIRECT;
        }

        public boolean harmful() {
            return harmLevel != HarmLevel.HARMLESS;
        }

        static Example of(PromptEvent prompt) {
            return new Example(prompt.getPromptId(), prompt.getMetadata().getBasePromptId(), prompt.getPrompt(),
                    prompt.getMetadata().getMethod(), prompt.getMetadata().getHarmLevel());
        }
    }

    /** Both heads measured on a test set, and the time to classify one prompt on one thread. */
    public record Evaluation(String features, long examples, HeadMetrics adversarial, HeadMetrics harmful,
                             double microsPerPrompt) {
    }

    private static final int HELD_OUT_ONE_IN = 5;
    private static final int SHOWN_ERRORS = 10;

    private Trainer() {
    }

    /** The prompts of a JSONL, CSV or Parquet file in the CARES schema; a file with bad rows is refused, rows named. */
    public static List<Example> read(Path file, String split) throws IOException {
        SuiteReader.Result result = new SuiteReader().read(file, new SuiteSource(file.getFileName().toString(),
                "local", split, "classifier/" + split));
        if (!result.errors().isEmpty()) {
            throw new IllegalArgumentException(result.errors().size() + " bad rows in " + file + ":\n  "
                    + result.errors().stream().limit(SHOWN_ERRORS).map(RowError::toString)
                    .collect(Collectors.joining("\n  ")));
        }
        if (result.prompts().isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompts");
        }
        return result.prompts().stream().map(Example::of).toList();
    }

    public static JailbreakClassifier train(PromptFeatures features, List<Example> examples, String version) {
        List<Feature[]> x = examples.stream().map(e -> features.of(e.prompt())).toList();
        Predicate<Example> heldOut = e -> Math.floorMod(e.basePromptId().hashCode(), HELD_OUT_ONE_IN) == 0;
        LinearHead adversarial = calibratedHead("adversarial", features, examples, x, Example::adversarial, heldOut);
        LinearHead harmful = calibratedHead("harmful", features, examples, x, Example::harmful, heldOut);
        return new JailbreakClassifier(version, features, adversarial, harmful);
    }

    private static LinearHead calibratedHead(String question, PromptFeatures features, List<Example> examples,
                                             List<Feature[]> x, Predicate<Example> answer, Predicate<Example> heldOut) {
        List<Feature[]> fitX = new ArrayList<>();
        List<Boolean> fitY = new ArrayList<>();
        List<Feature[]> checkX = new ArrayList<>();
        List<Boolean> checkY = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            boolean held = heldOut.test(examples.get(i));
            (held ? checkX : fitX).add(x.get(i));
            (held ? checkY : fitY).add(answer.test(examples.get(i)));
        }
        double threshold = 0.5;
        if (!checkX.isEmpty() && checkY.contains(true) && checkY.contains(false)) {
            LinearHead fitted = LinearHead.train(question, fitX, booleans(fitY), features.dimension());
            double[] probabilities = checkX.stream().mapToDouble(fitted::probability).toArray();
            threshold = HeadMetrics.bestF1Threshold(probabilities, booleans(checkY));
        }
        List<Boolean> all = examples.stream().map(answer::test).toList();
        return LinearHead.train(question, x, booleans(all), features.dimension()).withThreshold(threshold);
    }

    public static Evaluation evaluate(JailbreakClassifier classifier, List<Example> test) {
        int n = test.size();
        double[] adversarial = new double[n];
        double[] harmful = new double[n];
        // One pass to warm the code up, one timed.
        test.forEach(e -> classifier.classify(e.prompt()));
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            JailbreakClassifier.Verdict verdict = classifier.classify(test.get(i).prompt());
            adversarial[i] = verdict.adversarialProbability();
            harmful[i] = verdict.harmfulProbability();
        }
        double micros = (System.nanoTime() - start) / 1e3 / n;
        String[] methods = names(test, e -> e.method().ordinal(), Method.values());
        String[] levels = names(test, e -> e.harmLevel().ordinal(), HarmLevel.values());
        return new Evaluation(classifier.features().kind(), n,
                HeadMetrics.of(adversarial, truths(test, Example::adversarial), classifier.adversarialHead().threshold(),
                        methods, levels),
                HeadMetrics.of(harmful, truths(test, Example::harmful), classifier.harmfulHead().threshold(),
                        methods, levels),
                micros);
    }

    private static String[] names(List<Example> examples, ToIntFunction<Example> ordinal, Enum<?>[] values) {
        return examples.stream().map(e -> values[ordinal.applyAsInt(e)].name()).toArray(String[]::new);
    }

    private static boolean[] truths(List<Example> examples, Predicate<Example> answer) {
        boolean[] truth = new boolean[examples.size()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = answer.test(examples.get(i));
        }
        return truth;
    }

    private static boolean[] booleans(List<Boolean> values) {
        boolean[] result = new boolean[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }
}
