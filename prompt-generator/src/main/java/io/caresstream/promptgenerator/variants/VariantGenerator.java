package io.caresstream.promptgenerator.variants;

import io.caresstream.events.Method;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.PromptMetadata;
import io.caresstream.events.RewriteProvenance;
import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.caresstream.promptgenerator.domain.SeededOrder;
import io.caresstream.promptgenerator.messaging.PromptPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Generates adversarial rewrites of a suite's base prompts and publishes them into the suite. A rewrite
 * inherits its base prompt's principle and harm level, records how it was made, and is skipped when the
 * suite already holds the same prompt or a near-duplicate of it (MinHash, Jaccard 0.7). Rewrites that cannot be made are counted, never published.
 */
@ApplicationScoped
public class VariantGenerator {

    /** What a generation run did; every base prompt is accounted for. */
    public record Report(String suite, String method, int basePrompts, int published, int duplicates, int failed,
                         List<String> failures) {
    }

    static final String DETERMINISTIC = "deterministic";
    private static final Logger LOG = Logger.getLogger(VariantGenerator.class);

    private final SuiteCatalogue catalogue;
    private final PromptPublisher publisher;
    private final Obfuscator obfuscator = Obfuscator.withDefaultDecoys();

    public VariantGenerator(SuiteCatalogue catalogue, PromptPublisher publisher) {
        this.catalogue = catalogue;
        this.publisher = publisher;
    }

    /** The model-free obfuscation of every base prompt of the suite. */
    public Report obfuscate(String suite, long seed) {
        return obfuscate(suite, seed, Optional.empty());
    }

    /**
     * The model-free obfuscation of the suite's base prompts, or of a sample of them chosen by the seed
     * (so that each scheduled run rewrites a different set).
     */
    public Report obfuscate(String suite, long seed, Optional<Integer> sample) {
        List<PromptEvent> prompts = catalogue.prompts(suite);
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no suite '" + suite + "' on the prompt log");
        }
        NearDuplicates existing = new NearDuplicates(NearDuplicates.CARES_THRESHOLD);
        prompts.forEach(p -> existing.addUnlessNearDuplicate(p.getPrompt()));
        Map<String, PromptEvent> bases = new LinkedHashMap<>();
        prompts.forEach(p -> bases.putIfAbsent(p.getMetadata().getBasePromptId(), p));
        if (sample.isPresent() && sample.get() < bases.size()) {
            List<String> chosen = bases.keySet().stream()
                    .sorted(java.util.Comparator.comparingLong(id -> SeededOrder.rank(seed, id)))
                    .limit(sample.get()).toList();
            bases.keySet().retainAll(chosen);
        }
        RewriteProvenance provenance = new RewriteProvenance(DETERMINISTIC, obfuscator.template(), seed);
        List<PromptEvent> rewrites = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int duplicates = 0;
        for (PromptEvent base : bases.values()) {
            Optional<Obfuscator.Rewrite> rewrite = obfuscator.obfuscate(base.getBasePrompt(), seed);
            if (rewrite.isEmpty()) {
                failures.add(base.getMetadata().getBasePromptId() + ": no key words to hide");
                continue;
            }
            String text = rewrite.get().prompt();
            if (existing.addUnlessNearDuplicate(text).isPresent()) {
                duplicates++;
                continue;
            }
            rewrites.add(rewriteOf(base, Method.OBFUSCATE, text, provenance));
        }
        publisher.publishAll(rewrites, done -> LOG.infof("suite %s: published %d/%d obfuscated rewrites", suite, done,
                rewrites.size()));
        return new Report(suite, "obfuscate", bases.size(), rewrites.size(), duplicates, failures.size(), failures);
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
                // Stable: the same rewrite of the same base prompt in the same suite has the same id.
                .setPromptId("r-" + sha256(metadata.getSuite() + "\n" + metadata.getBasePromptId() + "\n" + text))
                .setMetadata(metadata)
                .setBasePrompt(base.getBasePrompt())
                .setPrompt(text)
                .setCreatedAt(Instant.now())
                .setRewrite(provenance)
                .build();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
