package io.caresstream.mitigation.training;

import io.caresstream.mitigation.classifier.ClassifierFile;
import io.caresstream.mitigation.classifier.JailbreakClassifier;
import io.caresstream.mitigation.features.EmbeddingFeatures;
import io.caresstream.mitigation.features.NgramFeatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and measuring on a project-made labelled set in the CARES schema, read through the
 * prompt-generator's reader as the real data set would be.
 */
class ClassifierTrainingTest {

    @TempDir
    static Path dir;
    static List<Trainer.Example> train;
    static List<Trainer.Example> test;
    static Path trainFile;
    static Path testFile;

    @BeforeAll
    static void makeSets() throws IOException {
        trainFile = ProjectLabelledSet.write(dir.resolve("train.jsonl"), 400, 1, ProjectLabelledSet.Part.TRAIN);
        testFile = ProjectLabelledSet.write(dir.resolve("test.jsonl"), 120, 2, ProjectLabelledSet.Part.TEST);
        train = Trainer.read(trainFile, "train");
        test = Trainer.read(testFile, "test");
    }

    @Test
    void theNgramModelBeatsTheMajorityBaselineByAWideMargin() {
        JailbreakClassifier classifier = Trainer.train(NgramFeatures.defaults(), train, "ngram-test");
        Trainer.Evaluation evaluation = Trainer.evaluate(classifier, test);
        var adversarial = evaluation.adversarial();
        // Three rewrites per base prompt: always answering "adversarial" is right 75% of the time. The test set
        // holds wordings the training set never had, so this is not memory.
        assertEquals(0.75, adversarial.baselineAccuracy(), 1e-9);
        assertTrue(adversarial.overall().accuracy() >= adversarial.baselineAccuracy() + 0.10,
                "adversarial accuracy " + adversarial.overall().accuracy());
        assertTrue(adversarial.rocAuc() > 0.95, "adversarial ROC-AUC " + adversarial.rocAuc());
        var harmful = evaluation.harmful();
        assertTrue(harmful.overall().accuracy() >= harmful.baselineAccuracy() + 0.1,
                "harmful accuracy " + harmful.overall().accuracy() + " against " + harmful.baselineAccuracy());
        assertEquals(4, adversarial.byMethod().size(), "figures per method");
        assertTrue(adversarial.byHarmLevel().size() >= 3, "figures per harm level");
        assertTrue(adversarial.threshold() > 0 && adversarial.threshold() < 1, "a calibrated threshold");
    }

    @Test
    void theModelFileRoundTripsAndABadOneIsNamed() throws IOException {
        JailbreakClassifier classifier = Trainer.train(NgramFeatures.defaults(), train, "ngram-roundtrip");
        Path file = dir.resolve("classifier.json");
        ClassifierFile.write(file, classifier, java.util.Map.of("train", "memory"), java.util.Map.of());
        JailbreakClassifier loaded = ClassifierFile.read(file);
        assertEquals("ngram-roundtrip", loaded.version());
        for (Trainer.Example example : test.subList(0, 40)) {
            assertEquals(classifier.classify(example.prompt()), loaded.classify(example.prompt()));
        }
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, Files.readString(file).replace("\"threshold\"", "\"thresh\""));
        IOException error = assertThrows(IOException.class, () -> ClassifierFile.read(broken));
        assertTrue(error.getMessage().contains("broken.json") && error.getMessage().contains("heads.adversarial.threshold"),
                error.getMessage());
    }

    @Test
    void sentenceEmbeddingsAlsoLearnTheStyle() {
        JailbreakClassifier classifier = Trainer.train(new EmbeddingFeatures(EmbeddingFeatures.Model.MINILM), train.subList(0, 600), "minilm-test");
        Trainer.Evaluation evaluation = Trainer.evaluate(classifier, test.subList(0, 200));
        assertTrue(evaluation.adversarial().overall().accuracy() >= evaluation.adversarial().baselineAccuracy() + 0.1,
                "adversarial accuracy " + evaluation.adversarial().overall().accuracy());
    }

    @Test
    void theTrainingCommandComparesPicksAndWritesAVersionedFile() throws IOException {
        Path out = dir.resolve("out");
        int exit = new CommandLine(new TrainCommand()).execute("--train", trainFile.toString(), "--test",
                testFile.toString(), "--features", "ngram", "--out", out.toString());
        assertEquals(0, exit);
        try (var files = Files.list(out)) {
            List<Path> written = files.toList();
            Path model = written.stream().filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
            assertTrue(model.getFileName().toString().startsWith("jailbreak-classifier-ngram-"), model.toString());
            assertTrue(Files.readString(model).contains("\"metrics\""));
            assertTrue(written.stream().anyMatch(p -> p.toString().endsWith(".md")));
            ClassifierFile.read(model);
        }
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"principle_index\": 0, \"generation_model\": \"project\", \"harmful_level\": 9, "
                + "\"method\": \"direct\", \"base_prompt\": \"x\", \"prompt\": \"x\"}\n");
        assertEquals(1, new CommandLine(new TrainCommand()).execute("--train", bad.toString(), "--test",
                testFile.toString(), "--features", "ngram", "--out", out.toString()));
    }
}
