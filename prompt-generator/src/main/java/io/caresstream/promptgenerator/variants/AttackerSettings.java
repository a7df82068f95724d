package io.caresstream.promptgenerator.variants;

import io.caresstream.providers.ChatModelSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/** The attacker model that writes indirect, role-play and obfuscated rewrites (cares.attacker.*). */
@ConfigMapping(prefix = "cares.attacker")
public interface AttackerSettings extends ChatModelSettings {

    /** Rewrites are free text of about a prompt's length, with room for a substitution list. */
    @Override
    @WithDefault("600")
    int maxTokens();

    /** Some variety between rewrites; the seed still fixes which template each base prompt gets. */
    @Override
    @WithDefault("0.7")
    double temperature();

    /** A folder of templates (method/name.txt, and system.txt) replacing the built-in ones per method. */
    Optional<Path> templatesDir();

    /** Attacker calls in flight at once. */
    @WithDefault("8")
    int concurrency();
}
