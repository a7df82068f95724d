package io.caresstream.suites.reading;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable ids: a content hash of what identifies a prompt, so importing the same row twice yields
 * the same id, the same Kafka key, and no second evaluation downstream.
 */
public final class PromptIds {

    private PromptIds() {
    }

    /**
     * The suite is part of a prompt's identity: scores are kept per suite, so the same row in two suites is
     * two prompts, each scored in its own suite, while re-importing a suite yields the same ids again.
     */
    public static String promptId(SuiteSource source, int principle, int harmLevel, String method, String generator,
                                  String prompt) {
        return "p-" + hash(source.suite(), source.dataset(), source.revision(), source.split(), String.valueOf(principle),
                String.valueOf(harmLevel), method, generator, prompt);
    }

    /** Shared by a direct prompt and its rewrites. */
    public static String basePromptId(SuiteSource source, String basePrompt) {
        return "b-" + hash(source.dataset(), basePrompt);
    }

    /** A generated rewrite: the same rewrite of the same base prompt in the same suite has the same id. */
    public static String rewriteId(String suite, String basePromptId, String rewrite) {
        return "r-" + hash(suite, basePromptId, rewrite);
    }

    private static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                // Length-prefixed, so ("ab","c") and ("a","bc") differ.
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
