package io.caresstream.deploy.testing;

import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.cli.auth.LocalAuth.Role;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.apache.commons.io.FileUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Real bearer tokens for tests, from the embedded default (a key pair made once per test JVM): the services
 * under test verify them exactly as in production ({@link KafkaAndRegistryResource} points them at the key).
 */
public final class TestTokens {

    private static final LocalAuth AUTH = make("test-auth");
    /** A second key pair: its tokens look right but are signed by a key the services do not trust. */
    private static final LocalAuth FOREIGN = make("test-auth-foreign");

    private TestTokens() {
    }

    private static LocalAuth make(String name) {
        try {
            Path dir = Files.createTempDirectory("cares-" + name);
            // The folder holds a private key: remove it with its files (deleteOnExit removes only empty folders).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> FileUtils.deleteQuietly(dir.toFile()), name + "-cleanup"));
            return LocalAuth.ensure(dir, Duration.ofHours(6)).auth();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The settings that make a service trust this JVM's tokens. */
    public static Map<String, String> config() {
        return Map.of("mp.jwt.verify.publickey.location", AUTH.publicKey().toString(),
                "mp.jwt.verify.issuer", LocalAuth.ISSUER);
    }

    public static String token(Role role) {
        return AUTH.token(role);
    }

    /** The file holding a role's token (for the command line's --token-file). */
    public static Path file(Role role) {
        return AUTH.tokenFile(role);
    }

    /** A token that expired an hour ago. */
    public static String expired(Role role) {
        return AUTH.issue(Set.of(role), "expired-" + role.claim(), Duration.ofHours(-1));
    }

    /** A well-formed token signed by an untrusted key. */
    public static String foreign(Role role) {
        return FOREIGN.token(role);
    }

    /** A request with the operator's token (the operator may also do what a viewer may). */
    public static RequestSpecification asOperator() {
        return as(Role.OPERATOR);
    }

    public static RequestSpecification as(Role role) {
        return RestAssured.given().auth().oauth2(token(role));
    }
}
