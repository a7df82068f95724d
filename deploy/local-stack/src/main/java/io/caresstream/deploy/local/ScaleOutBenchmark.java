package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.events.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Benchmark (issue 16): does adding instances of one model's invoker (or of one judge) add throughput? The real
 * services run as separate processes against the simulated model at a fixed latency, each instance with a small
 * concurrency, so that the endpoint's latency, not the machine, is the limit. For each instance count a fresh model
 * (or judge) id is plugged in with all its instances waiting at the end of the input; once all are ready, copies of
 * prompts (or responses) already on the log are written as their work, so they begin together and none eats the
 * work while the others start. After a warm-up the finished calls are counted over a window from the end offsets of
 * the worker's own done topic (one record per finished call). Ideal: min(instances, partitions) x concurrency /
 * latency. Then two model ids at once, each with as many instances as alone, to show they do not slow each other.
 */
@Command(name = "scale-out", mixinStandardHelpOptions = true,
        description = "Steady throughput of 1, 2, 4, 8 instances of one model's invoker and of one judge.")
public class ScaleOutBenchmark implements Callable<Integer> {

    @Option(names = "--instances", split = ",", defaultValue = "1,2,4,8",
            description = "Instance counts to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> instances;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of every topic: the most instances that can share the work (default: ${DEFAULT-VALUE}).")
    int partitions;

    // 2 in flight per instance keeps 8 instances under this 2-core machine's limit; at 8 in flight 8 instances
    // saturate it (README, Benchmarks; docs/kubernetes.md says what each instance's CPU goes to).
    @Option(names = "--concurrency", defaultValue = "2", description = "Calls in flight per instance (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--latency-ms", defaultValue = "200", description = "The simulated endpoint's latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--prompts", defaultValue = "20000",
            description = "Prompts imported first; each run's work is copied from them (default: ${DEFAULT-VALUE}).")
    int prompts;

    // A fresh instance's first seconds run interpreted code: one instance at 2 in flight did 0.88-0.91 of ideal
    // after 5 s, 0.95 after 30 s.
    @Option(names = "--warm-up-seconds", defaultValue = "30", description = "After the work is written (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--window-seconds", defaultValue = "20", description = "Counting window (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(names = "--services", split = ",", defaultValue = "model-invoker,judge-service",
            description = "Which workers to scale (default: ${DEFAULT-VALUE}).")
    List<String> services;

    @Option(names = "--no-two-models", description = "Skip running two model ids at once.")
    boolean noTwoModels;

    @Option(names = "--two-models-instances", defaultValue = "2",
            description = "Instances of each of the two models (default: ${DEFAULT-VALUE}).")
    int twoModelsInstances;

    @Option(names = "--target-efficiency", defaultValue = "0.90",
            description = "Least throughput against ideal for every instance count (default: ${DEFAULT-VALUE}).")
    double targetEfficiency;

    @Option(names = "--work-dir", description = "Logs, the generated suite and scale-out-result.json (default: target/scale-out).")
    Path workDir;

    @Option(names = "--project-root", description = "The repository, where the built services are (default: the current directory).")
    Path projectRoot;

    private static final ObjectMapper JSON = new ObjectMapper();

    private String bootstrap;

    /** One measured point: instances of one worker id, and what they finished in the window. */
    record Point(String service, String id, int instances, int partitions, int concurrency, long latencyMs,
                 long finished, double seconds, double machineBusy, double instanceCpuMsPerCall) {
        double perSecond() {
            return finished / seconds;
        }

        double ideal() {
            return Math.min(instances, partitions) * concurrency * 1000.0 / latencyMs;
        }

        double efficiency() {
            return perSecond() / ideal();
        }
    }

    @Override
    public Integer call() throws Exception {
        Path root = projectRoot == null ? Path.of("").toAbsolutePath() : projectRoot.toAbsolutePath();
        Path dir = (workDir == null ? root.resolve("target/scale-out") : workDir).toAbsolutePath();
        Files.createDirectories(dir);
        Path suite = Throughput.generatedSuite(dir, prompts);
        Path profile = dir.resolve("profile.json");
        Files.writeString(profile, JSON.writeValueAsString(Profile.defaults().withLatencyMs(latencyMs)));
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.of(profile),
                latencyMs, List.of("prompt-generator"))
                .withSettings(Map.of("cares.topics.partitions", String.valueOf(partitions)));
        List<Point> points = new ArrayList<>();
        List<Point> together = new ArrayList<>();
        System.out.printf("scale-out: %s instances, %d partitions, %d calls in flight per instance, %d ms latency%n",
                instances, partitions, concurrency, latencyMs);
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            int actual = partitionsOf(admin, Topics.PROMPTS);
            if (actual != partitions) {
                throw new IllegalStateException(Topics.PROMPTS + " has " + actual + " partitions, not the " + partitions
                        + " asked for: the ideal would be wrong");
            }
            stack.importSuite(suite, "scale-out");
            bootstrap = stack.bootstrapServers();
            System.out.printf("%,d prompts on the log%n", prompts);
            // The invokers first: their responses are the judge's work.
            if (services.contains("model-invoker")) {
                for (int count : instances) {
                    points.add(measure(stack, admin, "model-invoker", count));
                }
                if (!noTwoModels) {
                    together = measureTwoModels(stack, admin);
                }
            }
            if (services.contains("judge-service")) {
                for (int count : instances) {
                    points.add(measure(stack, admin, "judge-service", count));
                }
            }
        }
        return report(dir, points, together);
    }

    /** Plugs in a fresh id with this many instances, waits for the warm-up, counts over the window, stops them. */
    private Point measure(LocalStack stack, Admin admin, String service, int count) throws Exception {
        String id = service.equals("model-invoker") ? "scale-m" + count + "@" + System.currentTimeMillis()
                : "scale-j" + count + "@" + System.currentTimeMillis();
        List<String> started = start(stack, service, id, count);
        try {
            return count(stack, admin, List.of(new Worker(service, id, count)), started).get(0);
        } finally {
            started.forEach(stack::stopService);
        }
    }

    /** Two model ids at once, each with --two-models-instances instances, counted in the same window. */
    private List<Point> measureTwoModels(LocalStack stack, Admin admin) throws Exception {
        String first = "scale-a" + twoModelsInstances + "@" + System.currentTimeMillis();
        String second = "scale-b" + twoModelsInstances + "@" + System.currentTimeMillis();
        List<String> started = new ArrayList<>(start(stack, "model-invoker", first, twoModelsInstances));
        started.addAll(start(stack, "model-invoker", second, twoModelsInstances));
        try {
            return count(stack, admin, List.of(new Worker("model-invoker", first, twoModelsInstances),
                    new Worker("model-invoker", second, twoModelsInstances)), started);
        } finally {
            started.forEach(stack::stopService);
        }
    }

    private record Worker(String service, String id, int instances) {
        String doneTopic() {
            return service.equals("model-invoker") ? Topics.answered(id) : Topics.judged(id);
        }
    }

    private List<String> start(LocalStack stack, String service, String id, int count) {
        // Each instance starts at the end of its input: the work is written once all are ready (see feed), so
        // the first instances do not eat the log while the others start, and all begin together. The group's
        // offsets are committed at the log's end first: with a reset to "latest" instead, a rebalance could put an
        // instance's first position lookup after the work was written, and it skipped the work (a run of 0/s).
        boolean invoker = service.equals("model-invoker");
        stack.startGroupAtLogEnd(service + "." + id, invoker ? Topics.PROMPTS : Topics.RESPONSES);
        Map<String, String> settings = invoker
                ? Map.of("smallrye.messaging.worker.model-calls.max-concurrency", String.valueOf(concurrency),
                "cares.model.model-name", "simulated-model", "quarkus.log.category.\"io.caresstream\".level", "WARN")
                : Map.of("smallrye.messaging.worker.judge-calls.max-concurrency", String.valueOf(concurrency),
                "quarkus.log.category.\"io.caresstream\".level", "WARN");
        List<String> started = new ArrayList<>();
        long starting = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int port = LocalStack.Ports.free().modelInvoker();
            started.add(invoker ? stack.addModelInstance(id, port, settings)
                    : stack.addJudgeInstance(id, port, settings));
        }
        System.out.printf("%s %s: %d instance(s) ready in %.1f s%n", service, id, count,
                (System.nanoTime() - starting) / 1e9);
        return started;
    }

    /**
     * The finished calls of each worker over the window, after the work is written and the warm-up has passed, and
     * the CPU each process of the stack spent per finished call: what the machine pays for each, and so where its
     * limit comes from.
     */
    private List<Point> count(LocalStack stack, Admin admin, List<Worker> workers, List<String> instances)
            throws Exception {
        Thread.sleep(SETTLE_MS);
        String input = workers.get(0).service().equals("model-invoker") ? Topics.PROMPTS : Topics.RESPONSES;
        int perWorker = workers.stream().mapToInt(w -> (int) Math.ceil(
                1.5 * Math.min(w.instances(), partitions) * concurrency * 1000.0 / latencyMs
                        * (warmUpSeconds + windowSeconds + 10))).max().orElseThrow();
        long fed = feed(input, perWorker);
        Thread.sleep(warmUpSeconds * 1000L);
        long[] before = new long[workers.size()];
        for (int i = 0; i < workers.size(); i++) {
            before[i] = finished(admin, workers.get(i).doneTopic());
        }
        CpuTimes cpuBefore = CpuTimes.read();
        Map<String, Double> processCpuBefore = stack.cpuSeconds();
        long opened = System.nanoTime();
        for (int second = 1; second <= windowSeconds; second++) {
            Thread.sleep(1000);
            if (second % 5 == 0 || second == windowSeconds) {
                StringBuilder progress = new StringBuilder();
                for (int i = 0; i < workers.size(); i++) {
                    progress.append(String.format(" %s %,d", workers.get(i).id(), finished(admin, workers.get(i).doneTopic()) - before[i]));
                }
                System.out.printf("  %2d/%d s:%s%n", second, windowSeconds, progress);
            }
        }
        double seconds = (System.nanoTime() - opened) / 1e9;
        double busy = CpuTimes.read().busySince(cpuBefore);
        Map<String, Double> processCpu = new LinkedHashMap<>();
        stack.cpuSeconds().forEach((name, after) -> processCpu.put(name, after - processCpuBefore.getOrDefault(name, 0.0)));
        for (Worker worker : workers) {
            System.out.println("  " + assignment(admin, worker));
        }
        long allFinished = 0;
        for (int i = 0; i < workers.size(); i++) {
            allFinished += finished(admin, workers.get(i).doneTopic()) - before[i];
        }
        double instanceCpuMsPerCall = printCpuPerCall(processCpu, instances, allFinished, seconds);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Worker worker = workers.get(i);
            long finished = finished(admin, worker.doneTopic()) - before[i];
            // A worker that ran out of work inside the window measured the work's end, not its throughput.
            if (finished(admin, worker.doneTopic()) >= fed) {
                throw new IllegalStateException(worker.id() + " finished all " + fed + " records written for it "
                        + "inside the window: the figure would be too low");
            }
            Point point = new Point(worker.service(), worker.id(), worker.instances(), partitions, concurrency, latencyMs,
                    finished, seconds, busy, instanceCpuMsPerCall);
            System.out.printf("%s x%d: %.1f/s, ideal %.1f/s (%.2f), machine %.0f%% busy%n", worker.service(),
                    worker.instances(), point.perSecond(), point.ideal(), point.efficiency(), 100 * busy);
            points.add(point);
        }
        return points;
    }

    /**
     * Prints the CPU milliseconds each process spent per call finished in the window (the measured instances
     * summed, every other process of the stack on its own) and each instance's CPU per second; returns the
     * instances' milliseconds per call.
     */
    private static double printCpuPerCall(Map<String, Double> processCpu, List<String> instances, long finished,
                                          double seconds) {
        double instancesCpu = instances.stream().mapToDouble(name -> processCpu.getOrDefault(name, 0.0)).sum();
        StringBuilder line = new StringBuilder(String.format("  CPU per finished call: the %d instances %.2f ms "
                + "(each %.0f ms of CPU a second)", instances.size(), 1000 * instancesCpu / finished,
                1000 * instancesCpu / instances.size() / seconds));
        processCpu.forEach((name, cpu) -> {
            if (!instances.contains(name) && cpu > 0) {
                line.append(String.format(", %s %.2f ms", name, 1000 * cpu / finished));
            }
        });
        System.out.println(line);
        return 1000 * instancesCpu / finished;
    }

    /** After the last instance is ready, for the group's rebalance to settle before the work is written. */
    private static final long SETTLE_MS = 3000;

    /**
     * Writes the work: copies of the first records of the input topic (prompts or responses already on the log),
     * as they are (key, value, headers), so each lands on its original's partition. Ids already done by the worker
     * would be skipped, but every worker here is new.
     */
    private long feed(String topic, int records) {
        Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.ACKS_CONFIG, "all");
        long copied = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            List<TopicPartition> partitionsOfTopic = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitionsOfTopic);
            consumer.seekToBeginning(partitionsOfTopic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitionsOfTopic);
            // As many from each partition, so every instance's partition has its share of the work.
            long perPartition = (records + partitionsOfTopic.size() - 1) / partitionsOfTopic.size();
            Map<TopicPartition, Long> taken = new LinkedHashMap<>();
            while (taken.values().stream().mapToLong(Long::longValue).sum() < perPartition * partitionsOfTopic.size()
                    && partitionsOfTopic.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)
                    && taken.getOrDefault(tp, 0L) < perPartition)) {
                for (var record : consumer.poll(java.time.Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp) || taken.getOrDefault(tp, 0L) >= perPartition) {
                        continue;
                    }
                    taken.merge(tp, 1L, Long::sum);
                    producer.send(new ProducerRecord<>(topic, record.partition(), record.key(), record.value(),
                            record.headers()));
                    copied++;
                }
            }
            producer.flush();
            if (taken.values().stream().anyMatch(n -> n < perPartition)) {
                throw new IllegalStateException(topic + " holds fewer than " + perPartition + " records on a partition "
                        + taken + ": raise --prompts (or measure the model-invoker first, whose responses the judge takes)");
            }
        }
        System.out.printf("  wrote %,d records of work to %s in %.1f s%n", copied, topic, (System.nanoTime() - started) / 1e9);
        return copied;
    }

    /** Which instance holds which input partitions: an instance without one idles, one with two is the limit. */
    private static String assignment(Admin admin, Worker worker) throws Exception {
        String group = worker.service() + "." + worker.id();
        var members = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members();
        List<Integer> perMember = new ArrayList<>();
        members.forEach(member -> perMember.add(member.assignment().topicPartitions().size()));
        perMember.sort(java.util.Comparator.reverseOrder());
        return group + ": " + members.size() + " members, input partitions per member " + perMember;
    }

    /** Records on a done topic: one per finished call. */
    private static long finished(Admin admin, String topic) throws Exception {
        return endOffsets(admin, topic);
    }

    private static int partitionsOf(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }

    /** The whole machine's CPU time, from /proc/stat: whether the machine, not the endpoint, was the limit. */
    record CpuTimes(long busy, long total) {
        static CpuTimes read() throws IOException {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new CpuTimes(total - idle, total);
        }

        double busySince(CpuTimes before) {
            long total = this.total - before.total;
            return total == 0 ? 0 : (double) (busy - before.busy) / total;
        }
    }

    private int report(Path dir, List<Point> points, List<Point> together) throws IOException {
        boolean met = true;
        System.out.println();
        System.out.println("| worker | instances | partitions | per second | ideal | against ideal | against linear | instances' CPU per call | machine busy |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        ObjectNode result = JSON.createObjectNode();
        ArrayNode rows = result.putArray("points");
        for (String service : services) {
            Function<Point, Double> single = p -> p.perSecond() / p.instances();
            Point one = points.stream().filter(p -> p.service().equals(service)).findFirst().orElse(null);
            for (Point point : points.stream().filter(p -> p.service().equals(service)).toList()) {
                // Against linear: what the instances that have a partition would do if each did as much as
                // each of the first count did.
                double linear = one == null ? Double.NaN
                        : point.perSecond() / (single.apply(one) * Math.min(point.instances(), point.partitions()));
                boolean ok = point.efficiency() >= targetEfficiency;
                met &= ok;
                System.out.printf("| %s | %d | %d | %.1f | %.1f | %.2f%s | %.2f | %.1f ms | %.0f%%%s |%n", service,
                        point.instances(), point.partitions(), point.perSecond(), point.ideal(), point.efficiency(),
                        ok ? "" : " (MISSED)", linear, point.instanceCpuMsPerCall(), 100 * point.machineBusy(),
                        machineBound(point));
                ObjectNode row = rows.addObject();
                row.put("service", service).put("instances", point.instances()).put("partitions", point.partitions())
                        .put("perSecond", point.perSecond()).put("ideal", point.ideal())
                        .put("efficiency", point.efficiency()).put("againstLinear", linear)
                        .put("machineBusy", point.machineBusy())
                        .put("instanceCpuMsPerCall", point.instanceCpuMsPerCall());
            }
        }
        if (!together.isEmpty()) {
            System.out.println();
            System.out.println("| two models at once | instances each | per second | ideal | against ideal | machine busy |");
            System.out.println("|---|---|---|---|---|---|");
            ArrayNode both = result.putArray("twoModels");
            for (Point point : together) {
                boolean ok = point.efficiency() >= targetEfficiency;
                met &= ok;
                System.out.printf("| %s | %d | %.1f | %.1f | %.2f%s | %.0f%% |%n", point.id(), point.instances(),
                        point.perSecond(), point.ideal(), point.efficiency(), ok ? "" : " (MISSED)", 100 * point.machineBusy());
                both.addObject().put("id", point.id()).put("instances", point.instances())
                        .put("perSecond", point.perSecond()).put("ideal", point.ideal())
                        .put("efficiency", point.efficiency());
            }
        }
        result.put("targetEfficiency", targetEfficiency).put("met", met);
        Files.writeString(dir.resolve("scale-out-result.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.printf("%ntarget: every point at least %.2f of ideal (min(instances, partitions) x concurrency / latency): %s%n",
                targetEfficiency, met ? "met" : "MISSED");
        System.out.println("written: " + dir.resolve("scale-out-result.json"));
        return met ? 0 : 1;
    }

    /** Said beside a point measured while the machine's cores were all but saturated: the machine, not the design. */
    private static String machineBound(Point point) {
        return point.machineBusy() >= MACHINE_BOUND ? " (the machine is the limit)" : "";
    }

    private static final double MACHINE_BOUND = 0.90;

    public static void main(String[] args) {
        LocalStack.quietKafkaClients();
        System.exit(new CommandLine(new ScaleOutBenchmark()).execute(args));
    }
}
