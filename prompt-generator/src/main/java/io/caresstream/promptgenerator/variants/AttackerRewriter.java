package io.caresstream.promptgenerator.variants;

import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.providers.ChatClient;
import io.caresstream.providers.ChatClients;
import io.caresstream.providers.ProviderException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Asks the attacker model (any provider of the shared provider layer) for a rewrite of a base prompt in
 * a method's style, using the template the seed picks for that base prompt, and checks the answer.
 */
@ApplicationScoped
public class AttackerRewriter {

    /** What the attacker made of one base prompt, and with which template. */
    public record Attempt(AttackTemplates.Template template, RewriteCheck.Verdict verdict, String detail) {
    }

    private final AttackerSettings settings;
    private final AttackTemplates templates;
    private volatile ChatClient client;

    public AttackerRewriter(AttackerSettings settings) {
        this.settings = settings;
        this.templates = AttackTemplates.load(settings.templatesDir());
    }

    public AttackTemplates templates() {
        return templates;
    }

    /** The attacker's id (with its version), recorded on every rewrite it wrote. */
    public String modelId() {
        return settings.id();
    }

    public int concurrency() {
        return Math.max(1, settings.concurrency());
    }

    /** Blocking: one call to the attacker (with the provider layer's retries). */
    public Attempt rewrite(PromptEvent base, Method method, long seed) {
        AttackTemplates.Template template = templates.choose(method, seed, base.getMetadata().getBasePromptId());
        try {
            String answer = client().complete(Optional.of(templates.system()), template.fill(base.getBasePrompt())).text();
            return new Attempt(template, RewriteCheck.check(base.getBasePrompt(), answer), "");
        } catch (ProviderException e) {
            return new Attempt(template, RewriteCheck.Verdict.failed(RewriteCheck.Failure.CALL_FAILED), e.getMessage());
        }
    }

    /** Built on first use, so a service that never generates with a model never needs one configured. */
    private ChatClient client() {
        ChatClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = ChatClients.create(settings.toSpec(Optional.empty()));
                }
                current = client;
            }
        }
        return current;
    }
}
