package io.caresstream.deploy.kafka;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A KRaft broker as a secured cluster serves clients: TLS on a SASL_SSL listener, SCRAM-SHA-512 users, and
 * ACLs enforced by the standard authorizer (whatever no ACL allows is denied). Besides it, a PLAINTEXT listener on
 * 127.0.0.1 carries the broker's own traffic and the test harness's administration (its principal is a super
 * user); services are only ever given the SASL_SSL address.
 *
 * <p>The TLS material is made with the JDK's keytool: a self-signed certificate for 127.0.0.1 in a PKCS12
 * keystore, and a truststore holding it.
 */
public final class SecuredKafkaBroker implements AutoCloseable {

    /** The SASL mechanism of the service users. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private final EmbeddedKafkaBroker broker;
    private final String adminBootstrap;
    private final String secureBootstrap;
    private final Path truststore;
    private final String truststorePassword;

    private SecuredKafkaBroker(EmbeddedKafkaBroker broker, String adminBootstrap, String secureBootstrap,
                               Path truststore, String truststorePassword) {
        this.broker = broker;
        this.adminBootstrap = adminBootstrap;
        this.secureBootstrap = secureBootstrap;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** Starts the broker; its TLS files go to {@code dir}. */
    public static SecuredKafkaBroker start(Path dir) {
        String storePassword = UUID.randomUUID().toString();
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        makeTls(dir, keystore, truststore, storePassword);
        List<Integer> ports = FreePorts.distinct(3, Set.of());
        int plainPort = ports.get(0);
        int securePort = ports.get(1);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaHost("127.0.0.1")
                .withKafkaPort(plainPort)
                .withControllerPort(ports.get(2))
                .withDeleteLogDirsOnClose(true)
                .withAdvertisedListeners(
                        EmbeddedKafkaBroker.endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "127.0.0.1", plainPort),
                        EmbeddedKafkaBroker.endpoint("SASL_SSL", SecurityProtocol.SASL_SSL, "127.0.0.1", securePort))
                .withAdditionalProperties(props -> {
                    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                    // The PLAINTEXT and controller listeners (loopback, the broker's own and the harness's) are
                    // ANONYMOUS; nobody reaches the SASL_SSL listener as that.
                    props.put("super.users", "User:ANONYMOUS");
                    props.put("allow.everyone.if.no.acl.found", "false");
                    props.put("sasl.enabled.mechanisms", MECHANISM);
                    props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                    props.put("listener.name.sasl_ssl.ssl.keystore.location", keystore.toString());
                    props.put("listener.name.sasl_ssl.ssl.keystore.password", storePassword);
                    props.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
                    props.put("listener.name.sasl_ssl.ssl.key.password", storePassword);
                    props.put("offsets.topic.replication.factor", "1");
                    props.put("transaction.state.log.replication.factor", "1");
                    props.put("transaction.state.log.min.isr", "1");
                    props.put("num.partitions", String.valueOf(LocalKafkaBroker.DEFAULT_PARTITIONS));
                    props.put("auto.create.topics.enable", "false");
                    props.put("group.initial.rebalance.delay.ms", "0");
                })
                .start();
        return new SecuredKafkaBroker(broker, "127.0.0.1:" + plainPort, "127.0.0.1:" + securePort, truststore,
                storePassword);
    }

    /** The PLAINTEXT address for the harness's administration (a super user there). */
    public String adminBootstrap() {
        return adminBootstrap;
    }

    /** The SASL_SSL address services are given. */
    public String secureBootstrap() {
        return secureBootstrap;
    }

    /** Creates (or replaces) a SCRAM user. */
    public void addUser(String name, String password) {
        admin(admin -> admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all());
    }

    /** An ACL grant: the user may do the operation on the resource (a literal name, or a prefix). */
    public record Grant(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
    }

    public void allow(List<Grant> grants) {
        List<AclBinding> bindings = new ArrayList<>();
        for (Grant grant : grants) {
            bindings.add(new AclBinding(new ResourcePattern(grant.type(), grant.name(), grant.pattern()),
                    new AccessControlEntry("User:" + grant.user(), "*", grant.operation(), AclPermissionType.ALLOW)));
        }
        admin(admin -> admin.createAcls(bindings).all());
    }

    /** The client settings of a user on the SASL_SSL listener (as {@code kafka.*} settings take them, unprefixed). */
    public Map<String, String> clientSettings(String user, String password) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", truststorePassword,
                "ssl.truststore.type", "PKCS12");
    }

    private interface AdminCall {
        org.apache.kafka.common.KafkaFuture<Void> call(Admin admin);
    }

    private void admin(AdminCall call) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap))) {
            call.call(admin).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("administering the secured broker failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }

    /** A self-signed certificate for 127.0.0.1 (keystore) and a truststore holding it, made by keytool. */
    private static void makeTls(Path dir, Path keystore, Path truststore, String password) {
        Path certificate = dir.resolve("broker.crt");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
            keytool("-exportcert", "-alias", "broker", "-rfc", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", password, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-keystore",
                    truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the broker's TLS files in " + dir, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
