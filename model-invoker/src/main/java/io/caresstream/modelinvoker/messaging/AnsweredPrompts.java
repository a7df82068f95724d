package io.caresstream.modelinvoker.messaging;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.caresstream.domain.EventKeys;
import io.caresstream.domain.Topics;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.modelinvoker.domain.ModelControl;
import io.caresstream.modelinvoker.domain.ModelSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prompts this model has already answered, read from the responses topic: from the beginning at
 * start (the prompt channel waits until this has caught up) and then as responses arrive. A prompt
 * redelivered after a crash or a rebalance is answered from here instead of calling (and paying for)
 * the model again. Only answers count: a prompt whose earlier call ended in an error is tried again.
 */
@ApplicationScoped
public class AnsweredPrompts {

    private static final Logger LOG = Logger.getLogger(AnsweredPrompts.class);

    private final String modelId;
    private final String keyPrefix;
    private final Map<String, Object> config = new HashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final AtomicLong outputTokens = new AtomicLong();
    private final AtomicLong inputTokens = new AtomicLong();
    private final ModelControl control;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;

    public AnsweredPrompts(ModelSettings settings, ModelControl control,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap,
                           @ConfigProperty(name = "cares.registry.url") String registry) {
        this.modelId = settings.id();
        this.keyPrefix = EventKeys.responsePrefix(settings.id());
        this.control = control;
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "model-invoker.answered." + settings.id());
        // Following the topic needs no haste: fewer, larger fetches spare the broker.
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
        config.put("apicurio.registry.url", registry);
        config.put("apicurio.registry.avro-datum-provider", "io.caresstream.events.serde.CaresAvroDatumProvider");
    }

    void start(@Observes StartupEvent start) {
        Thread reader = new Thread(this::read, "answered-prompts");
        reader.setDaemon(true);
        reader.start();
    }

    void stop(@Observes ShutdownEvent stop) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    public boolean answered(String promptId) {
        return answered.contains(promptId);
    }

    /** A response this instance has just published. */
    public void record(ResponseEvent response) {
        if (response.getStatus() == ResponseStatus.OK) {
            if (answered.add(response.getPromptId()) && response.getUsage() != null) {
                inputTokens.addAndGet(response.getUsage().getInputTokens());
                outputTokens.addAndGet(response.getUsage().getOutputTokens());
            }
        }
    }

    public int count() {
        return answered.size();
    }

    /** Mean output tokens of this model's answers so far, if any. */
    public java.util.OptionalDouble meanOutputTokens() {
        int n = answered.size();
        return n == 0 ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(outputTokens.get() / (double) n);
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> kafka) {
        return kafka.partitionsFor(Topics.RESPONSES, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private void read() {
        try (AvroKafkaDeserializer<ResponseEvent> values = new AvroKafkaDeserializer<>();
             KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(config)) {
            values.configure(config, false);
            consumer = kafka;
            List<TopicPartition> partitions = partitionsOf(kafka);
            if (partitions.isEmpty()) {
                // No response was ever published: nothing answered yet. Wait for the topic to appear.
                LOG.infof("model %s: no responses topic yet, so no prompt answered yet; taking prompts", modelId);
                control.started();
                while (running && partitions.isEmpty()) {
                    Thread.sleep(2000);
                    partitions = partitionsOf(kafka);
                }
            }
            kafka.assign(partitions);
            kafka.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
            long started = System.nanoTime();
            boolean caughtUp = false;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(200))) {
                    // Our own keys only, and only prompts not known yet (this instance's answers are known already).
                    if (record.key() != null && record.key().startsWith(keyPrefix) && record.value() != null
                            && !answered.contains(record.key().substring(keyPrefix.length()))) {
                        try {
                            record(values.deserialize(record.topic(), record.headers(), record.value()));
                        } catch (RuntimeException e) {
                            LOG.warnf("unreadable response at %s-%d@%d skipped: %s", record.topic(), record.partition(),
                                    record.offset(), e.getMessage());
                        }
                    }
                }
                if (!caughtUp && partitions.stream().allMatch(p -> kafka.position(p) >= end.get(p))) {
                    caughtUp = true;
                    LOG.infof("model %s: %d prompts already answered (read in %.1f s); taking prompts", modelId,
                            answered.size(), (System.nanoTime() - started) / 1e9);
                    control.started();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.errorf(e, "model %s: cannot read the responses topic", modelId);
            control.stop("cannot read the responses already published: " + e.getMessage());
        }
    }
}
