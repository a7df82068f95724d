package io.caresstream.deploy.testing;

import io.caresstream.deploy.kafka.FreePorts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Apicurio Registry 2.x built by deploy/apicurio-registry, run as a process with in-memory storage. */
public final class LocalRegistry implements AutoCloseable {

    private final JavaProcess process;
    private final int port;

    private LocalRegistry(JavaProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path jar(Path projectRoot) {
        return projectRoot.resolve("deploy/apicurio-registry/target/apicurio-registry-local-runner.jar");
    }

    public static LocalRegistry start(Path projectRoot, int port, Path log) {
        int httpPort = port == 0 ? FreePorts.one() : port;
        JavaProcess process = JavaProcess.start("apicurio-registry", jar(projectRoot),
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                Map.of("quarkus.http.port", String.valueOf(httpPort)), log);
        LocalRegistry registry = new LocalRegistry(process, httpPort);
        try {
            process.awaitHttpOk(registry.apiUrl() + "/system/info", Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return registry;
    }

    /** The v2 API base URL the Apicurio 2.x serde wants, e.g. http://127.0.0.1:8081/apis/registry/v2 */
    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    public JavaProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
