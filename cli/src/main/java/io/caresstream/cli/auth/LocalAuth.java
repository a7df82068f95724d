package io.caresstream.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.RsaKeyUtil;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The embedded default identity provider, for a local run and a compose stack: one RSA key pair and one
 * bearer token (a signed JWT) per role, kept in a folder. The services only ever see the public key
 * ({@code CARES_AUTH_PUBLIC_KEY}); with a real identity provider that setting names its JWKS address instead
 * and this folder is not used.
 *
 * <p>Files: {@code private-key.pem} and the tokens are readable by their owner only.
 */
public final class LocalAuth {

    /** The issuer the services expect by default ({@code CARES_AUTH_ISSUER}). */
    public static final String ISSUER = "https://cares-stream.local/auth";
    public static final String PUBLIC_KEY = "public-key.pem";
    private static final String PRIVATE_KEY = "private-key.pem";
    /** Tokens are issued again when less than this is left of them. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    /** The roles of CARES Stream, as they appear in a token's {@code groups} claim. */
    public enum Role {
        /** The dashboard, scores and exports of figures. */
        VIEWER,
        /** Imports, variants, schedules, pause and resume, re-judging, exports of prompt and response text. */
        OPERATOR,
        /** One service instance calling another ({@code /internal/*}). */
        SERVICE;

        public String claim() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The file this role's token is kept in. */
        public String file() {
            return claim() + ".jwt";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    private LocalAuth(Path dir) {
        this.dir = dir;
    }

    /** What {@link #ensure} found or made. */
    public record Issued(LocalAuth auth, boolean newKey, List<Role> newTokens) {
    }

    /**
     * The folder's key pair and tokens, made where missing: a key pair at the first start, and a token for
     * each role that is missing or about to expire.
     */
    public static Issued ensure(Path dir, Duration validity) {
        try {
            Files.createDirectories(dir);
            LocalAuth auth = new LocalAuth(dir);
            boolean newKey = !Files.exists(dir.resolve(PRIVATE_KEY));
            if (newKey) {
                KeyPair pair = new RsaKeyUtil().generateKeyPair(2048);
                writePrivate(dir.resolve(PRIVATE_KEY), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.writeString(dir.resolve(PUBLIC_KEY), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            }
            List<Role> issued = new ArrayList<>();
            for (Role role : Role.values()) {
                Path file = dir.resolve(role.file());
                if (newKey || !Files.exists(file) || expiresWithin(Files.readString(file).trim(), RENEW_BEFORE)) {
                    Files.deleteIfExists(file);
                    writePrivate(file, auth.issue(role, "cares-local-" + role.claim(), validity));
                    issued.add(role);
                }
            }
            return new Issued(auth, newKey, issued);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the tokens in " + dir + ": " + e.getMessage(), e);
        } catch (JoseException e) {
            throw new IllegalStateException("this Java has no RSA key generator: " + e.getMessage(), e);
        }
    }

    /** A folder made by {@link #ensure} before. */
    public static LocalAuth in(Path dir) {
        if (!Files.exists(dir.resolve(PRIVATE_KEY))) {
            throw new IllegalArgumentException("no key pair in " + dir + " (cares auth init makes one)");
        }
        return new LocalAuth(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path publicKey() {
        return dir.resolve(PUBLIC_KEY);
    }

    public Path tokenFile(Role role) {
        return dir.resolve(role.file());
    }

    /** The stored token of a role. */
    public String token(Role role) {
        try {
            return Files.readString(tokenFile(role)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + role.claim() + " token in " + dir, e);
        }
    }

    /**
     * A new token: {@code subject} with the given roles, valid for {@code validity} (negative for one that
     * has already expired, which tests use).
     */
    public String issue(Set<Role> roles, String subject, Duration validity) {
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getMimeDecoder().decode(Files.readString(dir.resolve(PRIVATE_KEY))
                            .replaceAll("-----[A-Z ]+-----", ""))));
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setSubject(subject);
            claims.setClaim("upn", subject);
            claims.setStringListClaim("groups", roles.stream().map(Role::claim).sorted().toList());
            claims.setGeneratedJwtId();
            Instant now = Instant.now();
            claims.setIssuedAt(NumericDate.fromSeconds(
                    (validity.isNegative() ? now.plus(validity).minusSeconds(60) : now).getEpochSecond()));
            claims.setExpirationTime(NumericDate.fromSeconds(now.plus(validity).getEpochSecond()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setHeader("typ", "JWT");
            return jws.getCompactSerialization();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the private key in " + dir, e);
        } catch (GeneralSecurityException | IllegalArgumentException | JoseException e) {
            throw new IllegalStateException("the private key in " + dir + " cannot sign: " + e.getMessage(), e);
        }
    }

    public String issue(Role role, String subject, Duration validity) {
        return issue(Set.of(role), subject, validity);
    }

    /** Whether a token's {@code exp} claim falls within the given time from now (or it cannot be read). */
    static boolean expiresWithin(String token, Duration within) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return true;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            long exp = claims.path("exp").asLong(0);
            return Instant.ofEpochSecond(exp).isBefore(Instant.now().plus(within));
        } catch (IOException | IllegalArgumentException e) {
            return true;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes a file only its owner can read (where the file system has POSIX permissions). */
    private static void writePrivate(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // written again below
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
