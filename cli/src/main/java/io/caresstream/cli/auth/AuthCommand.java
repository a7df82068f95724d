package io.caresstream.cli.auth;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code cares auth init}: the embedded default's key pair and tokens, for a stack without an identity provider. */
@Command(name = "auth", description = "Tokens for a stack without an identity provider.",
        subcommands = AuthCommand.Init.class)
public class AuthCommand {

    @Command(name = "init", description = "Makes a key pair and a token per role (viewer, operator, service) in a "
            + "folder, or renews tokens about to expire. The services take the folder's public-key.pem "
            + "(CARES_AUTH_PUBLIC_KEY); the tokens stay in the folder, readable by their owner only.")
    static class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "The folder.")
        Path dir;

        @Option(names = "--validity", defaultValue = "P30D",
                description = "How long new tokens are valid, ISO-8601 (default: ${DEFAULT-VALUE}).")
        Duration validity;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LocalAuth.Issued issued = LocalAuth.ensure(dir, validity);
            var out = spec.commandLine().getOut();
            out.println(issued.newKey() ? "New key pair: " + issued.auth().publicKey() : "Key pair kept: " + issued.auth().publicKey());
            for (LocalAuth.Role role : LocalAuth.Role.values()) {
                out.printf("  %-8s %s%s%n", role.claim(), issued.auth().tokenFile(role),
                        issued.newTokens().contains(role) ? " (new)" : "");
            }
            return 0;
        }
    }
}
