package io.caresstream.mitigation.training;

import io.caresstream.mitigation.evaluation.HeadMetrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The measured figures of a training run as Markdown tables. */
final class TrainingReport {

    private TrainingReport() {
    }

    static String markdown(String train, String test, List<Trainer.Evaluation> evaluations, int chosen) {
        StringBuilder md = new StringBuilder("# Jailbreak classifier\n\n");
        md.append("Trained on `").append(train).append("`, measured on `").append(test).append("`. The chosen one is the ")
                .append("best adversarial F1 within the latency budget (one thread).\n\n");
        md.append("| features | adversarial F1 | adversarial ROC-AUC | adversarial accuracy (baseline) | harmful F1 | harmful ROC-AUC | µs per prompt |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < evaluations.size(); i++) {
            Trainer.Evaluation e = evaluations.get(i);
            md.append(String.format(Locale.ROOT, "| %s%s | %.3f | %.3f | %.3f (%.3f) | %.3f | %.3f | %.0f |%n",
                    e.features(), i == chosen ? " (chosen)" : "", e.adversarial().overall().f1(), e.adversarial().rocAuc(),
                    e.adversarial().overall().accuracy(), e.adversarial().baselineAccuracy(), e.harmful().overall().f1(),
                    e.harmful().rocAuc(), e.microsPerPrompt()));
        }
        Trainer.Evaluation best = evaluations.get(chosen);
        head(md, "Adversarial (method other than direct)", best.adversarial());
        head(md, "Harmful (harm level 1 or more)", best.harmful());
        return md.toString();
    }

    private static void head(StringBuilder md, String title, HeadMetrics metrics) {
        md.append("\n## ").append(title).append(String.format(Locale.ROOT, ", threshold %.3f%n%n", metrics.threshold()));
        md.append("| slice | n | positives | accuracy | precision | recall | F1 |\n|---|---|---|---|---|---|---|\n");
        row(md, "all", metrics.overall());
        for (Map.Entry<String, HeadMetrics.Figures> e : metrics.byMethod().entrySet()) {
            row(md, "method " + e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        for (Map.Entry<String, HeadMetrics.Figures> e : metrics.byHarmLevel().entrySet()) {
            row(md, "harm " + e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
    }

    private static void row(StringBuilder md, String name, HeadMetrics.Figures f) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |%n", name, f.n(), f.positives(),
                number(f.accuracy()), number(f.precision()), number(f.recall()), number(f.f1())));
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.3f", value);
    }
}
