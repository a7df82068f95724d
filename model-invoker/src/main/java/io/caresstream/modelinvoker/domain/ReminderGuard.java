package io.caresstream.modelinvoker.domain;

import io.caresstream.events.keys.ContentHash;
import io.caresstream.events.GuardVerdict;
import io.caresstream.mitigation.classifier.ClassifierFile;
import io.caresstream.mitigation.classifier.JailbreakClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Reminder-based conditioning: the jailbreak classifier looks at each prompt before the model is called,
 * and when it fires the project's safety reminder goes into the model's context (before any system prompt
 * of its own). A model with a guard is a model of its own, with its own id and consumer group, so it is
 * scored beside the unguarded one on the same prompts.
 */
public final class ReminderGuard {

    private static final ReminderGuard NONE = new ReminderGuard(null, null, null);

    private final JailbreakClassifier classifier;
    private final String reminder;
    private final String firesOn;

    private ReminderGuard(JailbreakClassifier classifier, String reminder, String firesOn) {
        this.classifier = classifier;
        this.reminder = reminder;
        this.firesOn = firesOn;
    }

    /** No guard unless a classifier file is set; a file that cannot be loaded stops the start, named. */
    public static ReminderGuard of(ModelSettings.GuardSettings settings) {
        if (settings.classifierFile().isEmpty()) {
            return NONE;
        }
        String firesOn = settings.firesOn();
        if (!firesOn.equals("adversarial") && !firesOn.equals("harmful") && !firesOn.equals("either")) {
            throw new IllegalArgumentException("cares.model.guard.fires-on must be adversarial, harmful or either, not '"
                    + firesOn + "'");
        }
        if (settings.reminder().isBlank()) {
            throw new IllegalArgumentException("cares.model.guard.reminder is empty");
        }
        try {
            return new ReminderGuard(ClassifierFile.read(settings.classifierFile().get()), settings.reminder(), firesOn);
        } catch (IOException e) {
            throw new UncheckedIOException("cares.model.guard.classifier-file: " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return classifier != null;
    }

    public String describe() {
        return enabled() ? "guarded by classifier " + classifier.version() + " (reminder when " + firesOn + ")" : "not guarded";
    }

    /** The classifier's verdict on a prompt; empty for an unguarded model. */
    public Optional<GuardVerdict> check(String prompt) {
        if (!enabled()) {
            return Optional.empty();
        }
        JailbreakClassifier.Verdict verdict = classifier.classify(prompt);
        boolean fired = switch (firesOn) {
            case "harmful" -> verdict.harmful();
            case "either" -> verdict.adversarial() || verdict.harmful();
            default -> verdict.adversarial();
        };
        return Optional.of(new GuardVerdict(classifier.version(), verdict.adversarialProbability(),
                verdict.harmfulProbability(), fired, ContentHash.sha256Hex(reminder)));
    }

    /** The system message for this call: the reminder before the model's own, only when the guard fired. */
    public Optional<String> systemMessage(Optional<GuardVerdict> verdict, Optional<String> ownSystemPrompt) {
        if (verdict.isEmpty() || !verdict.get().getFired()) {
            return Optional.empty(); // the client uses the model's own system prompt, if any
        }
        return Optional.of(ownSystemPrompt.map(own -> reminder + "\n\n" + own).orElse(reminder));
    }
}
