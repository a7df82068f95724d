package io.caresstream.deploy.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caresstream.cli.HttpExchange;
import io.caresstream.cli.SuiteUpload;
import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.deploy.kafka.FreePorts;
import io.caresstream.deploy.kafka.LocalKafkaBroker;
import io.caresstream.deploy.testing.JavaProcess;
import io.caresstream.events.topics.TopicProvisioner;
import io.caresstream.deploy.testing.LocalRegistry;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole system on 127.0.0.1 without Docker: a KRaft broker, Apicurio Registry 2.x, the SIMULATED
 * model server and the four services, each a real process with its log under the work directory.
 * Used by the local run command and by the end-to-end test.
 */
public final class LocalStack implements AutoCloseable {

    /** Ports on 127.0.0.1. */
    public record Ports(int kafka, int registry, int model, int promptGenerator, int modelInvoker, int judge, int scorer) {

        public static Ports defaults() {
            return new Ports(9092, 8081, 8089, 8082, 8083, 8084, 8085);
        }

        /** Free ports, for tests that must not collide with a running local stack. */
        public static Ports free() {
            List<Integer> p = FreePorts.distinct(7, java.util.Set.of());
            return new Ports(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6));
        }

        Map<String, Integer> byName() {
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("kafka", kafka);
            ports.put("apicurio-registry", registry);
            ports.put("simulated-model", model);
            ports.put("prompt-generator", promptGenerator);
            ports.put("model-invoker", modelInvoker);
            ports.put("judge-service", judge);
            ports.put("scorer-service", scorer);
            return ports;
        }
    }

    /** The four services, in the order they start (consumers before the producer of prompts). */
    public static final List<String> ALL_SERVICES = List.of("scorer-service", "judge-service", "model-invoker",
            "prompt-generator");

    /**
     * @param profile simulated model behaviour (JSON); empty for its built-in profile
     * @param latencyMs simulated model latency
     * @param services which of {@link #ALL_SERVICES} to start
     * @param brokers Kafka nodes: 1, or 3 for a replicated cluster (replication 3, min.insync.replicas 2)
     * @param settings further settings every service gets (e.g. cares.model.timeout)
     * @param kafka a Kafka cluster started elsewhere (the launcher's own address for it), instead of the stack's
     * @param serviceSettings further settings per service, by service name (e.g. its Kafka principal)
     */
    public record Options(Path root, Ports ports, Path workDir, Optional<Path> profile, long latencyMs,
                          List<String> services, int brokers, Map<String, String> settings, Optional<String> kafka,
                          Map<String, Map<String, String>> serviceSettings) {

        public Options {
            if (brokers != 1 && brokers < 3) {
                throw new IllegalArgumentException("brokers: 1, or 3 or more for a cluster that survives the loss of one");
            }
            settings = Map.copyOf(settings);
            serviceSettings = Map.copyOf(serviceSettings);
        }

        public Options(Path root, Ports ports, Path workDir, Optional<Path> profile, long latencyMs,
                       List<String> services, int brokers, Map<String, String> settings) {
            this(root, ports, workDir, profile, latencyMs, services, brokers, settings, Optional.empty(), Map.of());
        }

        public Options(Path root, Ports ports, Path workDir, Optional<Path> profile, long latencyMs) {
            this(root, ports, workDir, profile, latencyMs, ALL_SERVICES);
        }

        public Options(Path root, Ports ports, Path workDir, Optional<Path> profile, long latencyMs, List<String> services) {
            this(root, ports, workDir, profile, latencyMs, services, 1, Map.of());
        }

        /** The same stack with a cluster of this many Kafka nodes. */
        public Options withBrokers(int count) {
            return new Options(root, ports, workDir, profile, latencyMs, services, count, settings, kafka,
                    serviceSettings);
        }

        /** The same stack with these settings for every service. */
        public Options withSettings(Map<String, String> common) {
            return new Options(root, ports, workDir, profile, latencyMs, services, brokers, common, kafka,
                    serviceSettings);
        }

        /**
         * The same stack on a Kafka cluster started elsewhere: {@code launcherBootstrap} is where the launcher
         * itself declares the topics; each service's settings (its own address and credentials) come by name.
         */
        public Options withExternalKafka(String launcherBootstrap, Map<String, Map<String, String>> perService) {
            return new Options(root, ports, workDir, profile, latencyMs, services, brokers, settings,
                    Optional.of(launcherBootstrap), perService);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The serial collector with a heap that starts at 128 MB, not at a few MB: a heap grows only through full
     * collections, and a service that started small went through one to three of them (and a young collection
     * every 0.3 s) in the first seconds of an import, each pausing it 0.2-0.75 s on the saturated machine, the
     * scorer's in the middle of the first judgments' way to the dashboard. Metaspace, which would collect fully
     * at 21 MB, has the same threshold. 20-25 MB more resident per service (docs/performance.md).
     */
    static final List<String> SERVICE_HEAP = List.of("-Xms128m", "-Xmx256m", "-XX:MetaspaceSize=128m",
            "-XX:+UseSerialGC");

    /**
     * The JVM options of a service instance. Every service runs on the C1 compiler alone. The prompt-generator,
     * model-invoker and judge-service wait on HTTP and Kafka: in a 10,000-prompt run C2 took about a third of their
     * CPU compiling code the run no longer needed. The scorer's C2 never settled: still compiling Kafka's clients
     * and Streams an hour into a run, half of its CPU in a run through a running stack; on C1 it spends 0.22-0.30
     * against 0.43-0.55 CPU s per 1,000 evaluations there, and replays 1,000,000 judgments in 27.6-35.1 s against
     * 24.1 s on C2, inside its 40 s target (docs/performance.md). CARES_JVM_OPTIONS_APPEND (or the launcher's system
     * property cares.jvm-options-append) adds options to every service, a profiler say; {name} becomes the
     * instance's name and {service} the service's.
     */
    static List<String> serviceJvm(String service, String name) {
        List<String> options = new ArrayList<>(SERVICE_HEAP);
        options.add("-XX:TieredStopAtLevel=1");
        String extra = appendedJvmOptions();
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.replace("{name}", name).replace("{service}", service).trim().split("\\s+")));
        }
        return List.copyOf(options);
    }

    /** The options CARES_JVM_OPTIONS_APPEND (or the system property cares.jvm-options-append) adds, or "". */
    static String appendedJvmOptions() {
        String given = System.getProperty(JVM_OPTIONS_APPEND, System.getenv("CARES_JVM_OPTIONS_APPEND"));
        return given == null ? "" : given;
    }

    static final String JVM_OPTIONS_APPEND = "cares.jvm-options-append";

    private static final String BROKER_READY = "Kafka broker (KRaft, ";

    private final Options options;
    private List<LocalKafkaBroker.Node> brokerNodes = List.of();
    /** Every process started, in order; the shutdown hook may close them from another thread. */
    private final List<JavaProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Stops the stack when the launcher is stopped (Ctrl-C, SIGTERM), so no server outlives it. */
    private final Thread shutdownHook = new Thread(this::close, "local-stack-shutdown");
    /** The names of the broker(s), the registry and the simulated model: stopped after the services that use them. */
    private final java.util.Set<String> infrastructure = new java.util.concurrent.ConcurrentSkipListSet<>();
    /** Restarts of each process so far, for the names of their logs. */
    private final Map<String, Integer> restarts = new java.util.HashMap<>();
    /** Settings every service gets: where the broker, registry and simulated model are, and the token key. */
    private Map<String, String> common = Map.of();
    /** The management port (health checks) of each service instance, by its name in this stack. */
    private final Map<String, Integer> managementPorts = new java.util.HashMap<>();
    /** The HTTP port of each service instance, by its name in this stack. */
    private final Map<String, Integer> httpPorts = new java.util.HashMap<>();
    /** The embedded default's key pair and tokens, made at the first start in the work folder's auth/. */
    private LocalAuth auth;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Held, so the level stays set. */
    private static final java.util.logging.Logger KAFKA_CLIENTS = java.util.logging.Logger.getLogger("org.apache.kafka");

    /** The launcher's own Kafka clients (topic set-up, log checks) report only what goes wrong. */
    public static void quietKafkaClients() {
        KAFKA_CLIENTS.setLevel(java.util.logging.Level.WARNING);
    }

    private LocalStack(Options options) {
        this.options = options;
    }

    /** Starts everything and returns once every service reports ready; on failure stops what it started. */
    public static LocalStack start(Options options, Consumer<String> say) {
        LocalStack stack = new LocalStack(options);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll(say);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Consumer<String> say) {
        if (java.util.Set.copyOf(options.ports().byName().values()).size() != options.ports().byName().size()) {
            throw new IllegalStateException("two parts of the stack were given the same port: " + options.ports());
        }
        options.ports().byName().forEach((name, port) -> {
            if (!portIsFree(port)) {
                throw new IllegalStateException("port " + port + " for " + name + " is in use on 127.0.0.1: "
                        + "stop what uses it, or choose other ports");
            }
        });
        Path logs = options.workDir().resolve("logs");
        String classpath = System.getProperty("java.class.path");
        Ports ports = options.ports();

        String bootstrap;
        List<JavaProcess> brokers;
        // Each scorer start makes a new folder here (the dev profile's state.dir): those of earlier stacks are garbage.
        deleteRecursively(scorerStreamsState());
        if (options.kafka().isPresent()) {
            bootstrap = options.kafka().get();
            brokers = List.of();
            say.accept("using the Kafka cluster at " + bootstrap);
        } else {
            // A new stack starts on an empty log; a broker restarted within it finds its log where it was.
            deleteRecursively(kafkaData());
            brokerNodes = brokerNodes(ports.kafka(), options.brokers());
            bootstrap = String.join(",", brokerNodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
            say.accept(options.brokers() == 1 ? "starting Kafka broker (KRaft) on " + bootstrap
                    : "starting a Kafka cluster of " + options.brokers() + " KRaft nodes on " + bootstrap);
            String clusterId = LocalKafkaBroker.newClusterId();
            brokers = brokerNodes.stream().map(node -> track(startBroker(node, clusterId))).toList();
        }
        say.accept("starting Apicurio Registry 2.x on 127.0.0.1:" + ports.registry());
        LocalRegistry registry = LocalRegistry.start(options.root(), ports.registry(), logs.resolve("apicurio-registry.log"));
        processes.add(registry.process());
        say.accept("starting the SIMULATED model server on 127.0.0.1:" + ports.model());
        List<String> modelArgs = new ArrayList<>(List.of("--port", String.valueOf(ports.model()),
                "--catalog", options.root().resolve("deploy/sample-suite/cares-sample.jsonl").toString(),
                "--latency-ms", String.valueOf(options.latencyMs())));
        options.profile().ifPresent(p -> modelArgs.addAll(List.of("--profile", p.toString())));
        // The simulated judge knows the gold canaries' labels, as a good judge would.
        Path goldCanaries = options.workDir().resolve("gold-canaries.jsonl");
        try (var gold = io.caresstream.events.benchmark.GoldCanaries.class
                .getResourceAsStream(io.caresstream.events.benchmark.GoldCanaries.RESOURCE)) {
            java.nio.file.Files.copy(gold, goldCanaries, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        modelArgs.addAll(List.of("--known-responses", goldCanaries.toString()));
        // The stand-in for a remote endpoint: on C1 alone it leaves the cores to the stack (with C2 it spent 6 CPU
        // seconds compiling in a 10,000-prompt run).
        JavaProcess model = track(JavaProcess.startMain("simulated-model", classpath,
                "io.caresstream.deploy.simulated.SimulatedModelMain",
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), modelArgs,
                logs.resolve("simulated-model.log")));
        brokers.forEach(broker -> broker.awaitLogLine(BROKER_READY, Duration.ofSeconds(60)));
        model.awaitLogLine("SIMULATED model server", Duration.ofSeconds(30));
        // Every topic exists before any consumer subscribes: no wait for topic discovery.
        try {
            // With the partitions the services are told (cares.topics.partitions), or they would find the topics
            // already made with the broker's default count and leave them so.
            int partitions = Integer.parseInt(options.settings().getOrDefault("cares.topics.partitions",
                    String.valueOf(LocalKafkaBroker.DEFAULT_PARTITIONS)));
            TopicProvisioner.ensure(bootstrap, TopicProvisioner.ALL, partitions, replication());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }

        processes.forEach(process -> infrastructure.add(process.name()));

        LocalAuth.Issued issued = LocalAuth.ensure(authDir(), TOKEN_VALIDITY);
        auth = issued.auth();
        madeViewerToken = issued.newTokens().contains(LocalAuth.Role.VIEWER);
        if (!issued.newTokens().isEmpty()) {
            say.accept("made tokens for " + issued.newTokens().stream().map(LocalAuth.Role::claim).toList() + " in "
                    + auth.dir() + " (the command line ./cares uses operator.jwt)");
        }
        common = new LinkedHashMap<>(Map.of(
                "quarkus.profile", "dev",
                "mp.jwt.verify.publickey.location", auth.publicKey().toString(),
                "cares.auth.service-token-file", auth.tokenFile(LocalAuth.Role.SERVICE).toString(),
                "kafka.bootstrap.servers", bootstrap,
                "cares.topics.replication-factor", String.valueOf(replication()),
                "cares.registry.url", registry.apiUrl(),
                "cares.model.base-url", "http://127.0.0.1:" + ports.model() + "/v1",
                "cares.judge.base-url", "http://127.0.0.1:" + ports.model() + "/v1",
                "cares.attacker.base-url", "http://127.0.0.1:" + ports.model() + "/v1",
                "cares.variants.schedule.store", options.workDir().resolve("prompt-generator/schedules.json").toString()));
        common.putAll(options.settings());
        Map<String, Integer> services = new LinkedHashMap<>();
        Map<String, Integer> servicePorts = Map.of("scorer-service", ports.scorer(), "judge-service", ports.judge(),
                "model-invoker", ports.modelInvoker(), "prompt-generator", ports.promptGenerator());
        ALL_SERVICES.stream().filter(options.services()::contains).forEach(name -> services.put(name, servicePorts.get(name)));
        List<JavaProcess> started = new ArrayList<>();
        services.forEach((name, port) -> {
            say.accept("starting " + name + " on 127.0.0.1:" + port);
            started.add(launch(name, name, port, Map.of()));
        });
        for (JavaProcess service : started) {
            service.awaitHttpOk(readiness(service.name()), Duration.ofSeconds(120));
            say.accept(service.name() + " is ready");
        }
    }

    /** How long the tokens the stack makes are valid; they are made again when less than a day is left. */
    static final Duration TOKEN_VALIDITY = Duration.ofDays(30);

    private boolean madeViewerToken;

    /** Whether this start made a new viewer token (a launcher then shows it, once). */
    public boolean madeViewerToken() {
        return madeViewerToken;
    }

    /** Where the embedded default keeps its key pair and tokens. */
    public Path authDir() {
        return options.workDir().resolve("auth");
    }

    /** The stack's token for a role (the launcher itself calls the services as operator). */
    public String token(LocalAuth.Role role) {
        return auth.token(role);
    }

    /** Starts a service instance: its HTTP port, a management port for health checks, the common settings. */
    private JavaProcess launch(String service, String name, int port, Map<String, String> settings) {
        java.util.Set<Integer> taken = new java.util.HashSet<>(options.ports().byName().values());
        taken.addAll(managementPorts.values());
        brokerNodes.forEach(node -> {
            taken.add(node.port());
            taken.add(node.controllerPort());
        });
        // The HTTP port + 1000 where it is free (8082 -> 9082, the services' own default), else any free port.
        int preferred = port + 1000;
        int management = preferred <= 65535 && !taken.contains(preferred) && portIsFree(preferred) ? preferred
                : FreePorts.distinct(1, taken).get(0);
        managementPorts.put(name, management);
        httpPorts.put(name, port);
        Map<String, String> properties = new LinkedHashMap<>(common);
        properties.putAll(options.serviceSettings().getOrDefault(service, Map.of()));
        properties.put("quarkus.http.port", String.valueOf(port));
        properties.put("quarkus.management.port", String.valueOf(management));
        // The ids of done work (model-invoker, judge-service) and the scorer's stores beside the stack's other
        // files, not in /tmp, where every start left a scorer's folder behind.
        properties.put("cares.work.state-dir", options.workDir().resolve("state").toString());
        properties.put("CARES_SCORER_STATE_DIR", scorerStreamsState().toString());
        properties.putAll(settings);
        return track(JavaProcess.start(name, options.root().resolve(service + "/target/quarkus-app/quarkus-run.jar"),
                serviceJvm(service, name), properties, options.workDir().resolve("logs").resolve(name + ".log")));
    }

    /** The readiness check of a service instance, on its management port. */
    private String readiness(String name) {
        return "http://127.0.0.1:" + managementPort(name) + "/q/health/ready";
    }

    private int managementPort(String name) {
        Integer port = managementPorts.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no service " + name + " in this stack");
        }
        return port;
    }

    /** A service instance's metrics in Prometheus' text format, from its management port. */
    public String metrics(String name) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(managementPort(name), "/q/metrics")).GET().build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics of " + name + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    private Path kafkaData() {
        return options.workDir().resolve("kafka-data");
    }

    private Path scorerStreamsState() {
        return options.workDir().resolve("state").resolve("scorer-streams");
    }

    /**
     * The nodes: the first on the stack's Kafka port, the others and every controller port free ones, none of
     * them a port the stack has given to something not started yet.
     */
    private List<LocalKafkaBroker.Node> brokerNodes(int firstPort, int count) {
        List<Integer> free = FreePorts.distinct(2 * count - 1, java.util.Set.copyOf(options.ports().byName().values()));
        List<LocalKafkaBroker.Node> nodes = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            nodes.add(new LocalKafkaBroker.Node(id, id == 0 ? firstPort : free.get(2 * id - 1), free.get(2 * id)));
        }
        return nodes;
    }

    private short replication() {
        return (short) Math.min(3, options.brokers());
    }

    /**
     * A local broker lives for one run, and its C2 compiler spent as much CPU as its request handlers in a
     * 10,000-prompt run (20 and 20 s): on C1 alone it used 2.6 instead of 3.8-4.1 ms of CPU per evaluation
     * (docs/performance.md). A broker that runs for weeks is another matter: production brokers keep their defaults.
     */
    private static final List<String> BROKER_JVM = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");

    private JavaProcess startBroker(LocalKafkaBroker.Node node, String clusterId) {
        // Every port is chosen here, the controller's too, so none can meet a port given to a service not yet started.
        Path data = options.brokers() == 1 ? kafkaData() : kafkaData().resolve("node-" + node.id());
        List<String> args = List.of("--node", String.valueOf(node.id()), "--cluster", clusterId, "--nodes",
                String.join(",", brokerNodes.stream().map(LocalKafkaBroker.Node::toString).toList()),
                "--data", data.toString());
        return JavaProcess.startMain(brokerName(node.id()), System.getProperty("java.class.path"),
                "io.caresstream.deploy.kafka.LocalKafkaBroker", BROKER_JVM, args,
                options.workDir().resolve("logs").resolve(brokerName(node.id()) + ".log"));
    }

    private String brokerName(int node) {
        return options.brokers() == 1 ? "kafka" : "kafka-" + node;
    }

    /** Kafka nodes of this stack. */
    public int brokers() {
        return options.brokers();
    }

    /**
     * Kills the broker with SIGKILL, as a crash would, waits, and starts it again on the same data folder;
     * returns once it is ready.
     */
    public void crashBroker(Duration down) {
        crashBroker(0, down);
    }

    /** As {@link #crashBroker(Duration)}, for one node of a cluster (numbered from 0). */
    public void crashBroker(int node, Duration down) {
        crash(brokerName(node), down).awaitLogLine(BROKER_READY, Duration.ofSeconds(90));
    }

    /**
     * Kills a service (named as in its log: model-invoker, judge-service, ...) with SIGKILL, waits, and starts it
     * again with the same settings; returns once it is ready again.
     */
    public void crashService(String name, Duration down) {
        crashService(name, down, () -> { });
    }

    /** As {@link #crashService(String, Duration)}, running {@code whileDown} once the killed process has ended. */
    public void crashService(String name, Duration down, Runnable whileDown) {
        restart(name, down, process -> {
            process.kill();
            whileDown.run();
        }).awaitHttpOk(readiness(name), Duration.ofSeconds(120));
    }

    /**
     * Stops a service gracefully (SIGTERM, as an operator or Kubernetes would) and starts it again with the
     * same settings; returns how long it took to stop, once it is ready again.
     */
    public Duration restartService(String name) {
        long stopping = System.nanoTime();
        JavaProcess restarted = restart(name, Duration.ZERO, JavaProcess::close);
        Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
        restarted.awaitHttpOk(readiness(name), Duration.ofSeconds(120));
        return stopped;
    }

    /** Kills the named process, waits, starts the same command again (logging to name-N.log) and tracks it. */
    private JavaProcess crash(String name, Duration down) {
        return restart(name, down, JavaProcess::kill);
    }

    private JavaProcess process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no process " + name + " in this stack"));
    }

    private JavaProcess restart(String name, Duration down, Consumer<JavaProcess> stop) {
        JavaProcess dead = process(name);
        stop.accept(dead);
        pause(down);
        int start = restarts.merge(name, 1, Integer::sum) + 1;
        JavaProcess restarted = dead.startAgain(options.workDir().resolve("logs").resolve(name + "-" + start + ".log"));
        processes.set(processes.indexOf(dead), restarted);
        return restarted;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            FileUtils.deleteDirectory(dir.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot clear " + dir, e);
        }
    }

    private JavaProcess track(JavaProcess process) {
        processes.add(process);
        return process;
    }

    /** Uploads a suite (JSONL, CSV or Parquet) to the prompt-generator's REST API, as `cares import` does; returns its report. */
    public JsonNode importSuite(Path file, String suite) {
        HttpExchange.Reply reply;
        try {
            SuiteUpload upload = new SuiteUpload(file, JSON.createObjectNode().put("suite", suite));
            // The command line's own way of sending a suite: what a user's `./cares import` does, timed the same.
            reply = HttpExchange.send("POST", upload.address(uri(options.ports().promptGenerator(), "/api/suites/import")),
                    auth == null ? Map.of() : Map.of("Authorization", "Bearer " + auth.token(LocalAuth.Role.OPERATOR)),
                    upload, Duration.ofSeconds(5));
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("no such suite file: " + file, e);
        } catch (IOException e) {
            throw new IllegalStateException("import of " + file + " failed: " + e.getMessage(), e);
        }
        if (reply.status() != 200) {
            throw new IllegalStateException("import of " + file + " failed (" + reply.status() + "): " + reply.body());
        }
        return read(reply.body(), new TypeReference<JsonNode>() {
        });
    }

    /**
     * Starts one more model-invoker for another model while the stack runs, as a user plugging a model in
     * would; returns once it is ready. It is stopped with the stack.
     *
     * @param settings further settings for it, e.g. cares.model.model-name or cares.model.system-prompt
     */
    public String addModel(String modelId, int port, Map<String, String> settings) {
        return addService("model-invoker", "cares.model.id", modelId, port, settings);
    }

    /** Starts one more judge-service for another judge (e.g. cares.judge.kind=heuristic) beside the first. */
    public String addJudge(String judgeId, int port, Map<String, String> settings) {
        return addService("judge-service", "cares.judge.id", judgeId, port, settings);
    }

    /**
     * Starts one more scorer-service with its own Kafka Streams application id: a scorer of its own, which
     * rebuilds every figure from the whole judgment log.
     */
    public String addScorer(String applicationId, int port, Map<String, String> settings) {
        return addService("scorer-service", "quarkus.kafka-streams.application-id", applicationId, port, settings);
    }

    /**
     * Starts one more instance of the scorer (same application id): it takes over a share of the partitions.
     * Returns its name in this stack (for {@link #crashService} and {@link #stopService}).
     */
    public String addScorerInstance(int port) {
        return startService("scorer-service", "scorer-service-" + port, port, Map.of());
    }

    /**
     * Starts one more instance of the model-invoker of a model already plugged in (same model id, so the same
     * consumer group): it takes over a share of the partitions. Returns its name in this stack.
     */
    public String addModelInstance(String modelId, int port, Map<String, String> settings) {
        return addInstance("model-invoker", "cares.model.id", modelId, port, settings);
    }

    /** Starts one more instance of a judge already plugged in (same judge id, same consumer group). */
    public String addJudgeInstance(String judgeId, int port, Map<String, String> settings) {
        return addInstance("judge-service", "cares.judge.id", judgeId, port, settings);
    }

    private String addInstance(String service, String idKey, String id, int port, Map<String, String> settings) {
        Map<String, String> properties = new LinkedHashMap<>(settings);
        properties.put(idKey, id);
        return startService(service, service + "-" + port, port, properties);
    }

    /** What a service needs to stop after SIGTERM, as Kubernetes allows by default. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /**
     * Stops a service instance gracefully (SIGTERM) and forgets it; returns how long it took to stop. One that
     * has not stopped within {@link #STOP_GRACE} is killed and reported with an IllegalStateException.
     */
    public Duration stopService(String name) {
        Duration stopped = stopServices(List.of(name)).get(name);
        if (stopped == null) {
            throw new IllegalStateException(name + " did not stop within " + STOP_GRACE.toSeconds()
                    + " s of SIGTERM and was killed; its log: " + options.workDir().resolve("logs"));
        }
        return stopped;
    }

    /**
     * Stops service instances together with SIGTERM, as an operator stopping a deployment would, and forgets
     * them; returns how long each took to stop, or null for one that had not stopped within {@link #STOP_GRACE}
     * and was killed.
     */
    public Map<String, Duration> stopServices(List<String> names) {
        List<JavaProcess> stopping = names.stream().map(this::process).toList();
        Map<String, Duration> stopped = new LinkedHashMap<>();
        JavaProcess.terminateAll(stopping, STOP_GRACE).forEach((process, took) -> {
            processes.remove(process);
            managementPorts.remove(process.name());
            httpPorts.remove(process.name());
            stopped.put(process.name(), took.orElse(null));
        });
        return stopped;
    }

    /**
     * Commits the end of the topic's log as the consumer group's offsets, so a worker started next under that group
     * begins there: deterministic, where a reset to "latest" happens at the consumer's first position lookup, which
     * a rebalance can put after records written in the meantime (they would be skipped).
     */
    public void startGroupAtLogEnd(String group, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(partition -> ends.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            admin.listOffsets(ends).all().get().forEach((partition, end) -> offsets.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting " + group + "'s offsets", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot set " + group + "'s offsets on " + topic + " to the log's end", e.getCause());
        }
    }

    public String bootstrapServers() {
        return common.get("kafka.bootstrap.servers");
    }

    public String registryUrl() {
        return common.get("cares.registry.url");
    }

    private String addService(String service, String idKey, String id, int port, Map<String, String> settings) {
        Map<String, String> properties = new LinkedHashMap<>(settings);
        properties.put(idKey, id);
        return startService(service, service + "-" + id.replaceAll("[^A-Za-z0-9.-]", "_"), port, properties);
    }

    /** Starts a service instance under a name of its own and returns once it is ready. */
    private String startService(String service, String name, int port, Map<String, String> settings) {
        if (processes.stream().anyMatch(p -> p.name().equals(name))) {
            throw new IllegalArgumentException("a process named " + name + " already runs in this stack");
        }
        launch(service, name, port, settings).awaitHttpOk(readiness(name), Duration.ofSeconds(120));
        return name;
    }

    /** The simulated model server's counters (requests, answers by label, judge answers, faults). */
    public JsonNode simulatedStats() {
        return getJson(options.ports().model(), "/admin/stats");
    }

    /** Replaces the simulated model's behaviour (its profile, as JSON) while the stack runs. */
    public void setSimulatedProfile(String profileJson) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(options.ports().model(), "/admin/profile"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(profileJson)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the simulated model refused the profile: " + response.body());
        }
    }

    /** GET of a JSON document from a service of the stack on 127.0.0.1. */
    public JsonNode getJson(int port, String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(port, path)).GET().build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " on port " + port + ": HTTP " + response.statusCode());
        }
        return read(response.body(), new TypeReference<JsonNode>() {
        });
    }

    /** The scorer's current figures; empty while it is not ready. */
    public List<ScoreRow> scores() {
        return scores(options.ports().scorer());
    }

    /** The figures as one scorer instance serves them; empty while it is not ready. */
    public List<ScoreRow> scores(int scorerPort) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(scorerPort, "/api/scores")).GET().build());
        if (response.statusCode() != 200) {
            return List.of();
        }
        return read(response.body(), new TypeReference<List<ScoreRow>>() {
        });
    }

    /**
     * Waits until the suite has one judgment per prompt for each model and judge, reporting progress;
     * returns the final figures of the suite.
     */
    public List<ScoreRow> awaitScored(String suite, long prompts, Duration timeout, Consumer<List<ScoreRow>> progress)
            throws InterruptedException {
        return awaitScored(suite, prompts, 1, timeout, progress);
    }

    /** As {@link #awaitScored(String, long, Duration, Consumer)}, for at least the given number of models and judges. */
    public List<ScoreRow> awaitScored(String suite, long prompts, int rowsExpected, Duration timeout,
                                      Consumer<List<ScoreRow>> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ScoreRow> rows = List.of();
        while (System.nanoTime() < deadline) {
            rows = scores().stream().filter(r -> r.suite().equals(suite)).toList();
            progress.accept(rows);
            if (rows.size() >= rowsExpected && rows.stream().allMatch(r -> r.judged() >= prompts)) {
                return rows;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("suite " + suite + " not fully scored within " + timeout + ": " + rows
                + ended() + "\nlogs: " + options.workDir().resolve("logs"));
    }

    /** Resident memory of every process of the stack, in kB. */
    public Map<String, Long> residentKb() {
        Map<String, Long> rss = new LinkedHashMap<>();
        processes.forEach(p -> rss.put(p.name(), p.residentKb()));
        return rss;
    }

    /** Peak resident memory of every process of the stack so far, in kB. */
    public Map<String, Long> peakResidentKb() {
        Map<String, Long> rss = new LinkedHashMap<>();
        processes.forEach(p -> rss.put(p.name(), p.peakResidentKb()));
        return rss;
    }

    /** CPU seconds used so far by every process of the stack. */
    public Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        processes.forEach(p -> cpu.put(p.name(), p.cpuSeconds()));
        return cpu;
    }

    /** CPU seconds used so far by each live thread of every process of the stack, by process and thread id. */
    public Map<String, Map<Long, JavaProcess.ThreadTime>> threadCpuSeconds() {
        Map<String, Map<Long, JavaProcess.ThreadTime>> cpu = new LinkedHashMap<>();
        processes.forEach(p -> cpu.put(p.name(), p.threadCpuSeconds()));
        return cpu;
    }

    public Ports ports() {
        return options.ports();
    }

    public int scorerPort() {
        return options.ports().scorer();
    }

    /** The scorer's live dashboard. */
    public String dashboardUrl() {
        return uri(options.ports().scorer(), "/").toString();
    }

    public String scoresUrl() {
        return uri(options.ports().scorer(), "/api/scores").toString();
    }

    @Override
    public synchronized void close() {
        // The services first, together as a deployment is stopped (each stop is mostly waiting: its calls in
        // flight, a commit, leaving its groups), then the model, the registry and the broker they use.
        List<JavaProcess> started = new ArrayList<>(processes);
        JavaProcess.terminateAll(started.stream().filter(p -> !infrastructure.contains(p.name())).toList(),
                Duration.ofSeconds(15));
        for (int i = started.size() - 1; i >= 0; i--) {
            if (infrastructure.contains(started.get(i).name())) {
                started.get(i).close();
            }
        }
        processes.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // closing from the hook itself, as the JVM stops
        }
    }

    /**
     * Sends a request to a part of the stack with a token: the service role's for an instance's /internal API,
     * the operator's for everything else (the simulated model ignores it).
     */
    private HttpResponse<String> send(HttpRequest request) {
        LocalAuth.Role role = request.uri().getPath().startsWith("/internal/") ? LocalAuth.Role.SERVICE
                : LocalAuth.Role.OPERATOR;
        HttpRequest signed = auth == null ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                .header("Authorization", "Bearer " + auth.token(role)).build();
        try {
            return http.send(signed, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // The JDK's client gives a refused connection no message: say what it was, and what the process
            // that should have answered is doing.
            throw new IllegalStateException(request.uri() + ": " + e + "; " + listener(request.uri().getPort()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static <T> T read(String body, TypeReference<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalStateException("unexpected answer: " + body, e);
        }
    }

    /** How each process of this stack that is no longer running ended, one per line; empty when all run. */
    private String ended() {
        return processes.stream().filter(p -> !p.isAlive()).map(p -> "\n" + p.describe())
                .collect(java.util.stream.Collectors.joining());
    }

    /** Whether the process of this stack that listens on the port runs, or how it ended. */
    private String listener(int port) {
        Map<String, Integer> owners = new LinkedHashMap<>(options.ports().byName());
        owners.putAll(httpPorts);
        owners.putAll(managementPorts);
        return owners.entrySet().stream().filter(owner -> owner.getValue() == port)
                .flatMap(owner -> processes.stream().filter(p -> p.name().equals(owner.getKey())))
                .findFirst().map(JavaProcess::describe).orElse("no process of this stack listens on " + port);
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
