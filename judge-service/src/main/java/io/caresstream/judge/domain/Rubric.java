package io.caresstream.judge.domain;

import io.caresstream.events.keys.ContentHash;

/**
 * The judge's prompt template with {{prompt}} and {{response}} placeholders. Its version is a hash of
 * its content, recorded on every judgment, so a changed template never hides behind an old name.
 */
public record Rubric(String name, String template, String version) {

    public static Rubric of(String name, String template) {
        if (!template.contains("{{prompt}}") || !template.contains("{{response}}")) {
            throw new IllegalArgumentException("rubric " + name + " must contain {{prompt}} and {{response}}");
        }
        return new Rubric(name, template, "sha256:" + ContentHash.sha256Hex(template).substring(0, 12));
    }

    public String render(String prompt, String response) {
        // Replace the response last, so a prompt that happens to contain "{{response}}" stays literal.
        int at = template.indexOf("{{response}}");
        String head = template.substring(0, at).replace("{{prompt}}", prompt);
        return head + response + template.substring(at + "{{response}}".length()).replace("{{prompt}}", prompt);
    }
}
