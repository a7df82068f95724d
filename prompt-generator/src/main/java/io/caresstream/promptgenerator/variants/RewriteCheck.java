package io.caresstream.promptgenerator.variants;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells a usable rewrite from a failed one. The attacker may refuse, answer nothing, or hand back the
 * base prompt (or a near-duplicate of it); none of those is an adversarial variant, so each is counted
 * as a failure and never published. Wrapping the model often adds (a label, quotes, a code fence) is removed.
 */
public final class RewriteCheck {

    /** Why a rewrite failed. */
    public enum Failure { REFUSED, EMPTY, UNCHANGED, CALL_FAILED }

    /** A cleaned rewrite, or the reason there is none. */
    public record Verdict(Optional<String> rewrite, Optional<Failure> failure) {
        static Verdict ok(String text) {
            return new Verdict(Optional.of(text), Optional.empty());
        }

        static Verdict failed(Failure failure) {
            return new Verdict(Optional.empty(), Optional.of(failure));
        }
    }

    /** How refusals open: apologies, "I can't / won't", "as an AI", declining. */
    private static final Pattern REFUSAL = Pattern.compile(
            "^(?:i'?m sorry|i am sorry|sorry,|i apologi[sz]e|i can(?:'|no)?t\\b|i cannot|i won'?t|i will not"
                    + "|i'?m (?:not able|unable)|i am (?:not able|unable)|as an ai|i must decline|i'?m afraid i"
                    + "|unfortunately,? i (?:can|am|cannot)|i (?:do not|don'?t) feel comfortable)");
    private static final Pattern LABEL = Pattern.compile("^(?:rewritten|rewrite|new|adversarial)?\\s*prompt\\s*:\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FENCE = Pattern.compile("^```[a-zA-Z]*\\s*\\n?(.*?)\\n?```$", Pattern.DOTALL);

    private RewriteCheck() {
    }

    public static Verdict check(String basePrompt, String answer) {
        String text = clean(answer == null ? "" : answer);
        if (text.isBlank()) {
            return Verdict.failed(Failure.EMPTY);
        }
        String opening = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        if (REFUSAL.matcher(opening.substring(0, Math.min(200, opening.length()))).find()) {
            return Verdict.failed(Failure.REFUSED);
        }
        if (normalised(text).equals(normalised(basePrompt)) || NearDuplicates.areNearDuplicates(basePrompt, text)) {
            return Verdict.failed(Failure.UNCHANGED);
        }
        return Verdict.ok(text);
    }

    /** Strips a code fence, a "Rewritten prompt:" label and quotes around the whole answer. */
    static String clean(String answer) {
        String text = answer.strip();
        var fence = FENCE.matcher(text);
        if (fence.matches()) {
            text = fence.group(1).strip();
        }
        text = LABEL.matcher(text).replaceFirst("").strip();
        if (text.length() >= 2 && (text.startsWith("\"") && text.endsWith("\"")
                || text.startsWith("\u201c") && text.endsWith("\u201d"))) {
            text = text.substring(1, text.length() - 1).strip();
        }
        return text;
    }

    private static String normalised(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}\\s]+", " ").strip();
    }
}
