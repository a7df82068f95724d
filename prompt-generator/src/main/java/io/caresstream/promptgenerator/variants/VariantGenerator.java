package io.caresstream.promptgenerator.variants;

import io.caresstream.suites.variants.Obfuscator;
import io.caresstream.events.benchmark.CaresCodes;
import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.events.RewriteProvenance;
import io.caresstream.events.serde.PromptLogScan;
import io.caresstream.suites.reading.PromptIds;
import io.caresstream.suites.variants.SeededOrder;
import io.caresstream.promptgenerator.messaging.PromptPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generates adversarial rewrites of a suite's base prompts and publishes them into the suite. A rewrite
 * inherits its base prompt's principle and harm level, records how it was made (generator model,
 * template and seed), and is skipped when the suite already holds the same prompt or a near-duplicate of
 * it (MinHash, Jaccard 0.7). Rewrites that fail are counted by reason, never published.
 */
@ApplicationScoped
public class VariantGenerator {

    /** Who writes the rewrites: the model-free obfuscation, or the attacker model with the templates. */
    public enum Generator {
        DETERMINISTIC, ATTACKER;

        /** deterministic or attacker, in any case. */
        public static Generator parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("generator '" + name + "' is not deterministic or attacker");
            }
        }
    }

    /**
     * What a generation run did; every base prompt is accounted for: published + duplicates + failed =
     * basePrompts. Failures are counted by reason, with the first {@value #LISTED_FAILURES} described.
     */
    public record Report(String suite, String method, String generator, int basePrompts, int published, int duplicates,
                         int failed, Map<String, Integer> failuresByReason, List<String> failures) {
    }

    static final String DETERMINISTIC = "deterministic";
    static final int LISTED_FAILURES = 50;
    private static final Logger LOG = Logger.getLogger(VariantGenerator.class);

    private final PromptLogScan promptLog;
    private final PromptPublisher publisher;
    private final AttackerRewriter attacker;
    private final Obfuscator obfuscator = Obfuscator.withDefaultDecoys();

    public VariantGenerator(PromptLogScan promptLog, PromptPublisher publisher, AttackerRewriter attacker) {
        this.promptLog = promptLog;
        this.publisher = publisher;
        this.attacker = attacker;
    }

    /** The model-free obfuscation of every base prompt of the suite. */
    public Report obfuscate(String suite, long seed) {
        return generate(suite, Method.OBFUSCATE, Generator.DETERMINISTIC, seed, Optional.empty());
    }

    /**
     * Rewrites of the suite's base prompts in the method's style, or of a sample of them chosen by the seed
     * (so that each scheduled run rewrites a different set).
     */
    public Report generate(String suite, Method method, Generator generator, long seed, Optional<Integer> sample) {
        if (method == Method.DIRECT) {
            throw new IllegalArgumentException("direct is the base prompt itself, not a rewrite");
        }
        if (generator == Generator.DETERMINISTIC && method != Method.OBFUSCATE) {
            throw new IllegalArgumentException("only obfuscate has a model-free generator; "
                    + CaresCodes.code(method) + " needs the attacker model");
        }
        // From the log itself, up to its end now: the suite's prompts are held only while their variants are made.
        List<PromptEvent> prompts = promptLog.suite(suite);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no suite '" + suite + "' on the prompt log");
        }
        NearDuplicates existing = new NearDuplicates(NearDuplicates.CARES_THRESHOLD);
        prompts.forEach(p -> existing.addUnlessNearDuplicate(p.getPrompt()));
        List<PromptEvent> bases = basePrompts(prompts, seed, sample);

        List<Candidate> candidates = generator == Generator.DETERMINISTIC
                ? obfuscateAll(bases, seed) : attackAll(suite, bases, method, seed);
        List<PromptEvent> rewrites = new ArrayList<>();
        Map<RewriteCheck.Failure, Integer> failures = new EnumMap<>(RewriteCheck.Failure.class);
        List<String> described = new ArrayList<>();
        int duplicates = 0;
        for (Candidate candidate : candidates) {
            if (candidate.failure().isPresent()) {
                failures.merge(candidate.failure().get(), 1, Integer::sum);
                if (described.size() < LISTED_FAILURES) {
                    described.add(candidate.base().getMetadata().getBasePromptId() + ": "
                            + candidate.failure().get().name().toLowerCase(java.util.Locale.ROOT)
                            + (candidate.detail().isEmpty() ? "" : " (" + candidate.detail() + ")"));
                }
            } else if (existing.addUnlessNearDuplicate(candidate.text()).isPresent()) {
                duplicates++;
            } else {
                rewrites.add(rewriteOf(candidate.base(), method, candidate.text(), candidate.provenance()));
            }
        }
        publisher.publishAll(rewrites, done -> LOG.infof("suite %s: published %d/%d %s rewrites", suite, done,
                rewrites.size(), CaresCodes.code(method)));
        Map<String, Integer> byReason = new LinkedHashMap<>();
        failures.forEach((reason, count) -> byReason.put(reason.name().toLowerCase(java.util.Locale.ROOT), count));
        int failed = failures.values().stream().mapToInt(Integer::intValue).sum();
        return new Report(suite, CaresCodes.code(method), generator == Generator.DETERMINISTIC ? DETERMINISTIC
                : attacker.modelId(), bases.size(), rewrites.size(), duplicates, failed, byReason, described);
    }

    /** One base prompt's rewrite, or why there is none. */
    private record Candidate(PromptEvent base, String text, RewriteProvenance provenance,
                             Optional<RewriteCheck.Failure> failure, String detail) {
    }

    /** One prompt per base prompt (the first by id), all of them or a sample chosen by the seed. */
    private static List<PromptEvent> basePrompts(List<PromptEvent> prompts, long seed, Optional<Integer> sample) {
        Map<String, PromptEvent> bases = new LinkedHashMap<>();
        prompts.forEach(p -> bases.putIfAbsent(p.getMetadata().getBasePromptId(), p));
        if (sample.isPresent() && sample.get() < bases.size()) {
            List<String> chosen = bases.keySet().stream()
                    .sorted(Comparator.comparingLong(id -> SeededOrder.rank(seed, id)))
                    .limit(sample.get()).toList();
            bases.keySet().retainAll(chosen);
        }
        return List.copyOf(bases.values());
    }

    private List<Candidate> obfuscateAll(List<PromptEvent> bases, long seed) {
        RewriteProvenance provenance = new RewriteProvenance(DETERMINISTIC, obfuscator.template(), seed);
        List<Candidate> candidates = new ArrayList<>();
        for (PromptEvent base : bases) {
            candidates.add(obfuscator.obfuscate(base.getBasePrompt(), seed)
                    .map(r -> new Candidate(base, r.prompt(), provenance, Optional.empty(), ""))
                    .orElseGet(() -> new Candidate(base, null, null, Optional.of(RewriteCheck.Failure.UNCHANGED),
                            "no key words to hide")));
        }
        return candidates;
    }

    /** Calls the attacker for every base prompt, several at a time, keeping the base prompts' order. */
    private List<Candidate> attackAll(String suite, List<PromptEvent> bases, Method method, long seed) {
        ExecutorService calls = Executors.newFixedThreadPool(Math.min(attacker.concurrency(), Math.max(1, bases.size())));
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        try {
            List<Future<Candidate>> pending = new ArrayList<>();
            for (PromptEvent base : bases) {
                pending.add(calls.submit(() -> {
                    AttackerRewriter.Attempt attempt = attacker.rewrite(base, method, seed);
                    int n = done.incrementAndGet();
                    if (n % 100 == 0 || n == bases.size()) {
                        LOG.infof("suite %s: %d/%d %s rewrites written by %s (%.0f s)", suite, n, bases.size(),
                                CaresCodes.code(method), attacker.modelId(), (System.nanoTime() - started) / 1e9);
                    }
                    RewriteProvenance provenance = new RewriteProvenance(attacker.modelId(), attempt.template().id(), seed);
                    return new Candidate(base, attempt.verdict().rewrite().orElse(null), provenance,
                            attempt.verdict().failure(), attempt.detail());
                }));
            }
            List<Candidate> candidates = new ArrayList<>();
            for (Future<Candidate> result : pending) {
                candidates.add(result.get());
            }
            return candidates;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating rewrites for " + suite, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("generating rewrites for " + suite + " failed: " + e.getCause(), e.getCause());
        } finally {
            calls.shutdownNow();
        }
    }

    private static PromptEvent rewriteOf(PromptEvent base, Method method, String text, RewriteProvenance provenance) {
        // Field by field: Avro's copying builder deep-copies through its shared SpecificData, which can pick
        // the wrong class loader when several hold the contracts (as in tests).
        PromptMetadata from = base.getMetadata();
        PromptMetadata metadata = PromptMetadata.newBuilder()
                .setSuite(from.getSuite())
                .setPrinciple(from.getPrinciple())
                .setHarmLevel(from.getHarmLevel())
                .setMethod(method)
                .setGenerator(from.getGenerator())
                .setBasePromptId(from.getBasePromptId())
                .setDataset(from.getDataset())
                .build();
        return PromptEvent.newBuilder()
                .setPromptId(PromptIds.rewriteId(metadata.getSuite(), metadata.getBasePromptId(), text))
                .setMetadata(metadata)
                .setBasePrompt(base.getBasePrompt())
                .setPrompt(text)
                .setCreatedAt(Instant.now())
                .setRewrite(provenance)
                .build();
    }
}
