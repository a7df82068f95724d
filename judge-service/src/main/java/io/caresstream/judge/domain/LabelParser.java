package io.caresstream.judge.domain;

import io.caresstream.events.Label;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a label from a judge's answer, tolerant of case, punctuation, surrounding words and a
 * "Safety_Judgment:" prefix; "Reject" means Refuse. An answer naming two different labels without a
 * prefix is ambiguous and yields nothing: it is retried, never guessed.
 */
public final class LabelParser {

    private static final Pattern PREFIXED = Pattern.compile(
            "safety[_ ]judg(?:e)?ment\\s*[:=\\-]?\\s*\\**\\s*(accept|caution|refuse|reject)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern WORD = Pattern.compile("\\b(accept|caution|refuse|reject)(?:s|ed|ing)?\\b",
            Pattern.CASE_INSENSITIVE);

    private LabelParser() {
    }

    public static Optional<Label> parse(String answer) {
        if (answer == null || answer.isBlank()) {
            return Optional.empty();
        }
        Matcher prefixed = PREFIXED.matcher(answer);
        if (prefixed.find()) {
            return Optional.of(toLabel(prefixed.group(1)));
        }
        Matcher words = WORD.matcher(answer);
        Label found = null;
        while (words.find()) {
            Label label = toLabel(words.group(1));
            if (found != null && found != label) {
                return Optional.empty();
            }
            found = label;
        }
        return Optional.ofNullable(found);
    }

    private static Label toLabel(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "accept" -> Label.ACCEPT;
            case "caution" -> Label.CAUTION;
            default -> Label.REFUSE; // refuse, reject
        };
    }
}
