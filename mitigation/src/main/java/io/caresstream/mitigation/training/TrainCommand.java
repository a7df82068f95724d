package io.caresstream.mitigation.training;

import io.caresstream.mitigation.classifier.ClassifierFile;
import io.caresstream.mitigation.classifier.JailbreakClassifier;
import io.caresstream.mitigation.evaluation.HeadMetrics;
import io.caresstream.mitigation.features.PromptFeatures;
import io.caresstream.suites.hub.HubClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cares-classifier}: trains the classifier with each feature kind on a training suite, measures each
 * on a test suite, picks the best within the latency budget (adversarial F1, then speed) and writes it as a
 * versioned model file with its metrics, beside a Markdown report.
 */
@Command(name = "cares-classifier", mixinStandardHelpOptions = true,
        description = "Trains the CARES jailbreak classifier on a suite in the CARES schema and measures it.")
public class TrainCommand implements Callable<Integer> {

    @Option(names = "--train", description = "Training suite: JSONL, CSV or Parquet in the CARES schema.")
    Path train;

    @Option(names = "--test", description = "Test suite, same schema.")
    Path test;

    @Option(names = "--from-log", paramLabel = "SUITE", description = "Train on a suite already on the prompt log"
            + " (cares.prompts): its prompts and every rewrite published into it, an attacker's included. Tested on"
            + " a fifth of its base prompts held out (with all their rewrites), or on --test FILE.")
    String fromLog;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "The Kafka cluster of --from-log (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--registry-url", defaultValue = "${env:CARES_REGISTRY_URL:-http://127.0.0.1:8081/apis/registry/v2}",
            description = "The schema registry of --from-log (default: $CARES_REGISTRY_URL or ${DEFAULT-VALUE}).")
    String registryUrl;

    @Option(names = "--project-set", paramLabel = "BASE_PROMPTS", description = "Train on the project-made labelled"
            + " set (BASE_PROMPTS base prompts, four prompts each) and test on a quarter as many made only of the"
            + " question stems and framings training never saw: how each feature kind copes with new wordings.")
    Integer projectSet;

    @Option(names = "--hub", description = "Train on the data set's train split and test on its test split, from the hub.")
    boolean hub;

    @Option(names = "--dataset", defaultValue = "HFXM/CARES-18K", description = "Hub data set (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--revision", defaultValue = "49f6ff9caffe31bbd33b6272b72ef0b78a23ff26",
            description = "Hub revision (default: the pinned CARES-18K commit).")
    String revision;

    @Option(names = "--hub-endpoint", defaultValue = "${env:HF_ENDPOINT:-https://huggingface.co}",
            description = "The hub (default: $HF_ENDPOINT or ${DEFAULT-VALUE}); a token comes from $HF_TOKEN.")
    String hubEndpoint;

    @Option(names = "--cache", defaultValue = "${user.home}/.cache/cares/hub", description = "Downloaded splits (default: ${DEFAULT-VALUE}).")
    Path cache;

    @Option(names = "--features", split = ",", defaultValue = "ngram,minilm",
            description = "Feature kinds to compare: ngram, minilm, minilm-q, e5-small-q (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--out", defaultValue = "classifiers", description = "Folder for the model file and report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--latency-budget-ms", defaultValue = "1.0",
            description = "Only a classifier this fast per prompt is chosen, when one is (default: ${DEFAULT-VALUE}).")
    double latencyBudgetMs;

    @Override
    public Integer call() throws Exception {
        List<Trainer.Example> training;
        List<Trainer.Example> testing;
        String trainedOn;
        String testedOn;
        try {
            if (projectSet != null) {
                Files.createDirectories(out);
                train = ProjectLabelledSet.write(out.resolve("project-train.jsonl"), projectSet, 1,
                        ProjectLabelledSet.Part.TRAIN);
                test = ProjectLabelledSet.write(out.resolve("project-unseen-wordings.jsonl"), Math.max(1, projectSet / 4),
                        2, ProjectLabelledSet.Part.UNSEEN);
            }
            if (fromLog != null) {
                System.out.printf("reading suite %s from %s on %s%n", fromLog, io.caresstream.events.topics.Topics.PROMPTS,
                        bootstrapServers);
                PromptLog.Suite suite;
                try {
                    suite = PromptLog.read(bootstrapServers, registryUrl, fromLog);
                } catch (org.apache.kafka.common.KafkaException e) {
                    System.err.println("cannot read " + io.caresstream.events.topics.Topics.PROMPTS + " at "
                            + bootstrapServers + " (registry " + registryUrl + "): " + e.getMessage());
                    return 1;
                }
                if (suite.examples().isEmpty()) {
                    System.err.println("no prompts of suite '" + fromLog + "' on " + io.caresstream.events.topics.Topics.PROMPTS
                            + " at " + bootstrapServers + "; the suites there: " + suite.otherSuites());
                    return 1;
                }
                trainedOn = "suite " + fromLog + " on the prompt log";
                if (test != null) {
                    training = suite.examples();
                    testing = Trainer.read(test, "test");
                    testedOn = test.toString();
                } else {
                    training = suite.examples().stream().filter(PromptLog.testSide().negate()).toList();
                    testing = suite.examples().stream().filter(PromptLog.testSide()).toList();
                    testedOn = "a fifth of its base prompts, held out with their rewrites";
                }
                if (training.isEmpty() || testing.isEmpty()) {
                    System.err.println("suite '" + fromLog + "' has too few base prompts to hold a fifth out: give --test FILE");
                    return 1;
                }
            } else if (hub) {
                HubClient client = new HubClient(hubEndpoint, hubEndpoint, "HF_TOKEN");
                List<Path> trainFiles = HubSplitFiles.fetch(client, dataset, revision, "train", cache);
                List<Path> testFiles = HubSplitFiles.fetch(client, dataset, revision, "test", cache);
                training = readAll(trainFiles, "train");
                testing = readAll(testFiles, "test");
                trainedOn = trainFiles.get(0).getParent().toString();
                testedOn = testFiles.get(0).getParent().toString();
            } else if (train == null || test == null) {
                System.err.println("give --train FILE and --test FILE, --from-log SUITE, or --hub");
                return 1;
            } else {
                training = Trainer.read(train, "train");
                testing = Trainer.read(test, "test");
                trainedOn = train.toString();
                testedOn = test.toString();
            }
        } catch (IllegalArgumentException | IllegalStateException | HubClient.TransientHubException
                 | org.apache.kafka.common.KafkaException e) {
            // Bad rows, a split the data set lacks, a hub that refused, failed or sent a corrupt file, no broker.
            System.err.println(e.getMessage());
            return 1;
        }
        System.out.printf("training on %,d prompts (%s), testing on %,d (%s)%n", training.size(), trainedOn,
                testing.size(), testedOn);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC).format(Instant.now());
        String data = sha8(training) + sha8(testing).substring(0, 4);
        List<JailbreakClassifier> classifiers = new ArrayList<>();
        List<Trainer.Evaluation> evaluations = new ArrayList<>();
        for (String kind : kinds) {
            PromptFeatures features;
            try {
                features = PromptFeatures.named(kind.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            long start = System.nanoTime();
            System.out.printf("training the %s classifier...%n", kind);
            JailbreakClassifier classifier = Trainer.train(features, training, kind + "-" + stamp + "-" + data);
            System.out.printf("  trained in %.1f s; measuring on the test suite%n", (System.nanoTime() - start) / 1e9);
            classifiers.add(classifier);
            evaluations.add(Trainer.evaluate(classifier, testing));
        }
        int best = 0;
        for (int i = 1; i < evaluations.size(); i++) {
            if (better(evaluations.get(i), evaluations.get(best), latencyBudgetMs * 1e3)) {
                best = i;
            }
        }
        String report = TrainingReport.markdown(trainedOn, testedOn, evaluations, best);
        System.out.println();
        System.out.println(report);
        JailbreakClassifier chosen = classifiers.get(best);
        Path file = out.resolve("jailbreak-classifier-" + chosen.version() + ".json");
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("train", trainedOn);
        provenance.put("test", testedOn);
        provenance.put("trainPrompts", training.size());
        provenance.put("testPrompts", testing.size());
        ClassifierFile.write(file, chosen, provenance, evaluations.get(best));
        Files.writeString(out.resolve("jailbreak-classifier-" + chosen.version() + ".md"), report);
        System.out.println("wrote " + file);
        return 0;
    }

    /** Within the budget beats over it; then higher adversarial F1; within a point of F1, the faster one. */
    private static boolean better(Trainer.Evaluation candidate, Trainer.Evaluation current, double budgetMicros) {
        boolean candidateFits = candidate.microsPerPrompt() <= budgetMicros;
        if (candidateFits != current.microsPerPrompt() <= budgetMicros) {
            return candidateFits;
        }
        double difference = f1(candidate.adversarial()) - f1(current.adversarial());
        if (Math.abs(difference) < 0.01) {
            return candidate.microsPerPrompt() < current.microsPerPrompt();
        }
        return difference > 0;
    }

    private static double f1(HeadMetrics metrics) {
        return Double.isNaN(metrics.overall().f1()) ? 0 : metrics.overall().f1();
    }

    private static List<Trainer.Example> readAll(List<Path> files, String split) throws java.io.IOException {
        List<Trainer.Example> examples = new ArrayList<>();
        for (Path file : files) {
            examples.addAll(Trainer.read(file, split));
        }
        return examples;
    }

    /** The first 8 hex digits of the SHA-256 of a set's prompts, in order: the same data gives the same version. */
    private static String sha8(List<Trainer.Example> examples) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Trainer.Example example : examples) {
            digest.update(example.promptId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(example.prompt().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 8).toLowerCase(Locale.ROOT);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
