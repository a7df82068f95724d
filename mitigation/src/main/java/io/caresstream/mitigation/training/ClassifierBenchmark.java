package io.caresstream.mitigation.training;

import io.caresstream.mitigation.classifier.ClassifierFile;
import io.caresstream.mitigation.classifier.JailbreakClassifier;
import io.caresstream.mitigation.features.NgramFeatures;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Benchmark (issue 7): the time to classify one prompt on one thread with the n-gram classifier (target:
 * under 1 ms). Trains on a project-made set unless a model file is given, then classifies the test prompts
 * repeatedly and prints the mean, p50 and p99 per prompt.
 */
@Command(name = "classifier-benchmark", mixinStandardHelpOptions = true,
        description = "Measures the jailbreak classifier's time per prompt on one thread.")
public class ClassifierBenchmark implements Callable<Integer> {

    @Option(names = "--model", description = "A trained model file (default: train one on a project-made set).")
    Path model;

    @Option(names = "--rounds", defaultValue = "20", description = "Passes over the test prompts (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--target-ms", defaultValue = "1.0", description = "Target per prompt (default: ${DEFAULT-VALUE}).")
    double targetMs;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("classifier-benchmark");
        List<Trainer.Example> test = Trainer.read(ProjectLabelledSet.write(dir.resolve("test.jsonl"), 500, 2, ProjectLabelledSet.Part.TEST), "test");
        JailbreakClassifier classifier = model != null ? ClassifierFile.read(model)
                : Trainer.train(NgramFeatures.defaults(),
                Trainer.read(ProjectLabelledSet.write(dir.resolve("train.jsonl"), 2000, 1, ProjectLabelledSet.Part.TRAIN), "train"), "benchmark");
        List<String> prompts = test.stream().map(Trainer.Example::prompt).toList();
        // CARES rewrites run longer than these project prompts: the same prompts repeated to 1,000+ characters.
        List<String> longPrompts = prompts.stream().map(p -> (p + " ").repeat(1 + 1000 / (p.length() + 1)).trim()).toList();
        System.out.printf(Locale.ROOT, "%s classifier, one thread, %d passes over %,d prompts%n",
                classifier.features().kind(), rounds, prompts.size());
        System.out.println("| prompts | mean per prompt | p50 | p99 | target | ratio (target / mean) |");
        System.out.println("|---|---|---|---|---|---|");
        boolean met = time(classifier, prompts, "project test set") & time(classifier, longPrompts, "repeated to 1,000+ chars");
        return met ? 0 : 1;
    }

    private boolean time(JailbreakClassifier classifier, List<String> prompts, String name) {
        prompts.forEach(classifier::classify); // warm up
        double[] micros = new double[prompts.size() * rounds];
        int k = 0;
        for (int r = 0; r < rounds; r++) {
            for (String prompt : prompts) {
                long start = System.nanoTime();
                classifier.classify(prompt);
                micros[k++] = (System.nanoTime() - start) / 1e3;
            }
        }
        double mean = Arrays.stream(micros).average().orElse(0);
        Percentile percentile = new Percentile();
        percentile.setData(micros);
        double meanChars = prompts.stream().mapToInt(String::length).average().orElse(0);
        System.out.printf(Locale.ROOT, "| %s (mean %.0f chars) | %.3f ms | %.3f ms | %.3f ms | < %.1f ms | %.1f |%n", name,
                meanChars, mean / 1e3, percentile.evaluate(50) / 1e3, percentile.evaluate(99) / 1e3, targetMs,
                targetMs * 1e3 / mean);
        return mean / 1e3 < targetMs;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClassifierBenchmark()).execute(args));
    }
}
