package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.caresstream.deploy.simulated.Profile;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.TopicProvisioner;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.work.CompletedWork;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Benchmark (issue 15), what a model-invoker pays for knowing which prompts it has answered.
 * <ul>
 * <li>Memory: one that has answered a million prompts needs no more than one that has answered ten thousand. For
 * each size, a new model's answered topic is filled with that many answers, its invoker is started, reads them,
 * and then answers a suite of new prompts (so its lookups run against the full set); its resident memory is taken
 * once it has answered them all, with the time and CPU it took to read what was answered.</li>
 * <li>Other models ({@code --models 1,5,20}): the responses topic holds the answers of that many models, a given
 * number each, and the first model's invoker is started again; the time and CPU until it takes prompts should
 * not depend on the number of models. {@code --project-root} runs an earlier build's services for comparison.</li>
 * </ul>
 */
@Command(name = "answered-benchmark", mixinStandardHelpOptions = true,
        description = "Memory and start cost of a model-invoker after 10,000 and 1,000,000 answers, or with other models' answers on the log.")
public class AnsweredBenchmark implements Callable<Integer> {

    @Option(names = "--sizes", split = ",", defaultValue = "10000,1000000",
            description = "Answers already on the model's answered topic, smallest first (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--prompts", defaultValue = "2000",
            description = "New prompts each model answers after its start (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--target-ratio", defaultValue = "1.10",
            description = "Largest allowed resident memory of the largest size over the smallest (default: ${DEFAULT-VALUE}).")
    double targetRatio;

    @Option(names = "--models", split = ",",
            description = "Instead of the memory runs: models whose answers are on the log when the first model's invoker restarts, e.g. 1,5,20.")
    List<Integer> models;

    @Option(names = "--answers-per-model", defaultValue = "10000",
            description = "With --models: answers of each model on the log (default: ${DEFAULT-VALUE}).")
    int answersPerModel;

    @Option(names = "--target-growth", defaultValue = "1.5",
            description = "With --models: largest allowed start time with the most models over the fewest (default: ${DEFAULT-VALUE}).")
    double targetGrowth;

    @Option(names = "--project-root", description = "The repository whose built services run (default: the current directory).")
    Path projectRoot;

    @Option(names = "--work-dir", description = "Logs and the generated suite.")
    Path workDir;

    record Result(int answered, double readSeconds, double cpuSeconds, long residentKb, long peakResidentKb) {
    }

    @Override
    public Integer call() throws Exception {
        LocalStack.quietKafkaClients();
        Path root = (projectRoot == null ? Path.of("") : projectRoot).toAbsolutePath();
        Path dir = (workDir == null ? Path.of("target", "answered-benchmark") : workDir).toAbsolutePath();
        Path suite = Throughput.generatedSuite(dir, prompts);
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of("prompt-generator"));
        List<Result> results = new ArrayList<>();
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            stack.importSuite(suite, "answered-benchmark");
            stack.setSimulatedProfile(new ObjectMapper().writeValueAsString(Profile.defaults().withLatencyMs(0)));
            if (models != null && !models.isEmpty()) {
                return withOtherModels(stack);
            }
            for (int size : sizes) {
                results.add(measure(stack, size));
            }
        }
        System.out.println();
        System.out.println("answered before start | read at start | CPU of the invoker | resident after "
                + prompts + " new answers | peak resident");
        System.out.println("---|---|---|---|---");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%,d | %.1f s | %.1f s | %,d MB | %,d MB%n", r.answered(), r.readSeconds(),
                    r.cpuSeconds(), r.residentKb() / 1024, r.peakResidentKb() / 1024);
        }
        Result small = results.get(0);
        Result large = results.get(results.size() - 1);
        double ratio = large.residentKb() / (double) small.residentKb();
        boolean met = ratio <= targetRatio;
        System.out.printf(Locale.ROOT, "%nresident memory after %,d answers / after %,d: %.2f (target <= %.2f): %s%n",
                large.answered(), small.answered(), ratio, targetRatio, met ? "met" : "MISSED");
        return met ? 0 : 1;
    }

    private Result measure(LocalStack stack, int size) throws Exception {
        String model = "answered-" + size + "@" + System.currentTimeMillis();
        System.out.printf(Locale.ROOT, "%s: writing %,d answers to %s%n", model, size, Topics.answered(model));
        writeAnswers(stack.bootstrapServers(), Topics.answered(model), size);
        int port = LocalStack.Ports.free().modelInvoker();
        long started = System.nanoTime();
        String name = stack.addModel(model, port, Map.of(
                "cares.model.model-name", "simulated-model",
                "smallrye.messaging.worker.model-calls.max-concurrency", "32",
                "quarkus.log.category.\"io.caresstream\".level", "WARN"));
        double readSeconds = Double.NaN;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (true) {
            JsonNode view = stack.getJson(port, "/api/model");
            if (Double.isNaN(readSeconds) && "RUNNING".equals(view.path("status").path("state").asText())) {
                readSeconds = (System.nanoTime() - started) / 1e9;
            }
            long answered = view.path("answered").asLong();
            if (answered >= (long) size + prompts) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(model + " answered " + answered + " of " + (size + prompts)
                        + " in 10 minutes; see " + stack.ports() + " logs");
            }
            Thread.sleep(100);
        }
        Result result = new Result(size, readSeconds, stack.cpuSeconds().get(name), stack.residentKb().get(name),
                stack.peakResidentKb().get(name));
        System.out.printf(Locale.ROOT, "%s: read in %.1f s, then %,d new answers; resident %,d MB%n", model,
                readSeconds, prompts, result.residentKb() / 1024);
        stack.stopService(name);
        return result;
    }

    /**
     * Puts the answers of more and more models on the log (responses, and each model's answered topic) and starts
     * the first model's invoker again each time, as after a restart: the time and CPU until it takes prompts.
     */
    private int withOtherModels(LocalStack stack) throws Exception {
        String run = String.valueOf(System.currentTimeMillis());
        List<String> lines = new ArrayList<>();
        double fewest = Double.NaN;
        double most = Double.NaN;
        int onTheLog = 0;
        for (int count : models) {
            for (int m = onTheLog + 1; m <= count; m++) {
                String model = "other-" + m + "@" + run;
                System.out.printf(Locale.ROOT, "%s: writing %,d responses and answers%n", model, answersPerModel);
                writeResponses(stack, model, answersPerModel);
                writeAnswers(stack.bootstrapServers(), Topics.answered(model), answersPerModel);
            }
            onTheLog = Math.max(onTheLog, count);
            String first = "other-1@" + run;
            int port = LocalStack.Ports.free().modelInvoker();
            long started = System.nanoTime();
            String name = stack.addModel(first, port, Map.of(
                    "cares.model.model-name", "simulated-model",
                    "quarkus.log.category.\"io.caresstream\".level", "WARN"));
            while (!"RUNNING".equals(stack.getJson(port, "/api/model").path("status").path("state").asText())) {
                if (System.nanoTime() - started > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException(first + " did not take prompts within 10 minutes");
                }
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpu = stack.cpuSeconds().get(name);
            stack.stopService(name);
            lines.add(String.format(Locale.ROOT, "%d | %,d | %.1f s | %.1f s", count, (long) count * answersPerModel,
                    seconds, cpu));
            fewest = Double.isNaN(fewest) ? seconds : fewest;
            most = seconds;
        }
        System.out.println();
        System.out.println("models on the log | responses on the log | start to taking prompts | CPU of the invoker by then");
        System.out.println("---|---|---|---");
        lines.forEach(System.out::println);
        double growth = most / fewest;
        boolean met = growth <= targetGrowth;
        System.out.printf(Locale.ROOT, "%nstart with %d models / with %d: %.2f (target <= %.2f): %s%n",
                models.get(models.size() - 1), models.get(0), growth, targetGrowth, met ? "met" : "MISSED");
        return met ? 0 : 1;
    }

    /** One OK response per prompt, as the model's invoker would have published them. */
    private static void writeResponses(LocalStack stack, String model, int count) {
        try (KafkaProducer<String, ResponseEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 50,
                ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                SerdeConfig.REGISTRY_URL, stack.registryUrl(),
                SerdeConfig.AUTO_REGISTER_ARTIFACT, true))) {
            for (int i = 0; i < count; i++) {
                PromptEvent prompt = SampleEvents.prompt(promptId(i), "answered-benchmark", HarmLevel.HARMLESS,
                        Method.DIRECT, "A generated question about dosing, number " + i + ", asked the way a patient would.");
                ResponseEvent response = SampleEvents.response(model, prompt, ResponseStatus.OK,
                        "A generated answer that advises asking a pharmacist or a doctor before changing any dose.");
                producer.send(new ProducerRecord<>(Topics.RESPONSES, EventKeys.response(model, prompt.getPromptId()),
                        response));
            }
        }
    }

    private static String promptId(int i) {
        return String.format("p-%032x", (long) i * 0x9E3779B97F4A7C15L);
    }

    /** Answers as the invoker writes them: the prompt id (a content hash in real ids) and the tokens used. */
    private static void writeAnswers(String bootstrap, String topic, int count) throws InterruptedException {
        TopicProvisioner.ensure(bootstrap, List.of(topic), 1, (short) 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144"), new StringSerializer(), new ByteArraySerializer())) {
            byte[] usage = new CompletedWork.Usage(120, 340).bytes();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, promptId(i), usage));
            }
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AnsweredBenchmark()).execute(args));
    }
}
