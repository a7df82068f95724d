package io.caresstream.scorer.views;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.benchmark.GoldCanaries;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.scorer.domain.BlockedResponses;
import io.caresstream.scorer.domain.HumanLabel;
import io.caresstream.scorer.domain.HumanReview;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ReviewCase;
import io.caresstream.scorer.domain.ReviewReason;
import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.streams.ScoreTopology;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** The review queue, and what the people's labels say of the judges and the scores. */
@ApplicationScoped
public class ReviewViews {

    /**
     * The responses waiting for a person, most telling reason first: how many wait (in all and by their first
     * reason), how many people have labelled, and the first of those waiting with their text.
     */
    public record Queue(boolean textShown, long pending, Map<ReviewReason, Long> pendingByReason, long reviewed,
                        List<Item> items) {
    }

    /** One response to review: where it falls in CARES, why it is here, each judge's vote, and the text. */
    public record Item(String modelId, String promptId, String suite, Principle principle, HarmLevel harmLevel,
                       Method method, List<ReviewReason> reasons, Map<String, ReviewCase.Vote> votes, String prompt,
                       String response) {
    }

    /** A model and a suite it was judged on. */
    private record ModelSuite(String modelId, String suite) {
    }

    /** A model's response to a prompt. */
    private record Response(String modelId, String promptId) {
    }

    /** How long the responses needing review stand while figures move: finding them reads every judgment. */
    static final Duration QUEUE_REFRESH = Duration.ofSeconds(5);

    private final ClusterStores stores;
    private final boolean showText;
    private final BlockedResponses blockedResponses;
    private final double sampleRate;
    private List<ReviewCase> needingReview;
    private long needingReviewVersion;
    private long needingReviewAt;

    public ReviewViews(ClusterStores stores,
                       @ConfigProperty(name = "cares.dashboard.show-text", defaultValue = "true") boolean showText,
                       @ConfigProperty(name = "cares.scorer.blocked-responses", defaultValue = "refuse")
                       BlockedResponses blockedResponses,
                       @ConfigProperty(name = "cares.review.sample-rate", defaultValue = "0.01") double sampleRate) {
        this.stores = stores;
        this.showText = showText;
        this.blockedResponses = blockedResponses;
        this.sampleRate = sampleRate;
    }

    public Queue queue(String suite, int limit) {
        Map<String, HumanLabel> labelled = stores.humanLabels();
        List<ReviewCase> pending = needingReview().stream()
                .filter(review -> suite == null || review.suite().equals(suite))
                .filter(review -> !labelled.containsKey(review.key()))
                .toList();
        Map<ReviewReason, Long> byReason = new EnumMap<>(ReviewReason.class);
        pending.forEach(review -> byReason.merge(review.reasons(sampleRate).get(0), 1L, Long::sum));
        List<ReviewCase> shown = pending.stream().limit(limit).toList();
        Map<String, ResponseRow> texts = showText
                ? stores.responsesByKey(shown.stream().map(ReviewCase::key).toList()) : Map.of();
        List<Item> items = shown.stream().map(review -> {
            ResponseRow text = texts.get(review.key());
            return new Item(review.modelId(), review.promptId(), review.suite(), review.principle(),
                    review.harmLevel(), review.method(), review.reasons(sampleRate), new TreeMap<>(review.votes()),
                    text == null ? null : text.prompt(), text == null ? null : text.text());
        }).toList();
        long reviewed = labelled.values().stream().filter(label -> suite == null || label.suite().equals(suite)).count();
        return new Queue(showText, pending.size(), byReason, reviewed, items);
    }

    /**
     * Every judged response that needs a person, most telling reason first: every judge's judgments of each model
     * and suite, read from the judgments table and brought together by prompt. Read on request rather than kept
     * by the stream, so reviewing costs the scoring of judgments nothing; the result stands for
     * {@link #QUEUE_REFRESH} while figures move.
     */
    private synchronized List<ReviewCase> needingReview() {
        long version = stores.clusterVersion();
        if (needingReview != null && (version == needingReviewVersion
                || System.nanoTime() - needingReviewAt < QUEUE_REFRESH.toNanos())) {
            return needingReview;
        }
        List<ReviewCase> found = new ArrayList<>();
        judgesByModelAndSuite().forEach((modelSuite, judges) -> {
            Map<String, ReviewCase> byPrompt = new HashMap<>();
            for (String judge : judges) {
                stores.judgments(judge, modelSuite.modelId(), modelSuite.suite(), ReviewCase::reviewable)
                        .forEach(row -> byPrompt.merge(row.promptId(), ReviewCase.of(row), ReviewCase::with));
            }
            byPrompt.values().stream().filter(review -> review.needsReview(sampleRate)).forEach(found::add);
        });
        found.sort(Comparator.comparing((ReviewCase review) -> review.reasons(sampleRate).get(0))
                .thenComparing(ReviewCase::key));
        needingReview = List.copyOf(found);
        needingReviewVersion = version;
        needingReviewAt = System.nanoTime();
        return needingReview;
    }

    /** The judges of each model on each suite (canaries aside), from the scores' keys. */
    private Map<ModelSuite, List<String>> judgesByModelAndSuite() {
        Map<ModelSuite, List<String>> judges = new HashMap<>();
        for (String key : stores.tallies().keySet()) {
            String[] parts = ScoreTopology.parts(key);
            if (!GoldCanaries.isCanary(parts[0])) {
                judges.computeIfAbsent(new ModelSuite(parts[0], parts[2]), k -> new ArrayList<>()).add(parts[1]);
            }
        }
        return judges;
    }

    /** Every judge's reviewable judgment of each response, brought together by response. */
    private Map<String, ReviewCase> cases(Collection<Response> responses) {
        Map<String, List<String>> judgesOfModel = new HashMap<>();
        judgesByModelAndSuite().forEach((modelSuite, judges) ->
                judgesOfModel.computeIfAbsent(modelSuite.modelId(), m -> new ArrayList<>()).addAll(judges));
        List<String> keys = new ArrayList<>();
        for (Response response : responses) {
            judgesOfModel.getOrDefault(response.modelId(), List.of()).stream().distinct().forEach(judge ->
                    keys.add(EventKeys.judgment(judge, response.modelId(), response.promptId())));
        }
        Map<String, ReviewCase> cases = new HashMap<>();
        stores.judgmentsByKey(keys).values().stream().filter(ReviewCase::reviewable).forEach(row ->
                cases.merge(EventKeys.response(row.modelId(), row.promptId()), ReviewCase.of(row), ReviewCase::with));
        return cases;
    }

    /** The judged response a person may label, if the scorer has it. */
    public Optional<ReviewCase> reviewable(String modelId, String promptId) {
        return Optional.ofNullable(cases(List.of(new Response(modelId, promptId)))
                .get(EventKeys.response(modelId, promptId)));
    }

    /** Each judge that judged a response people labelled, against those labels. */
    public List<HumanReview.JudgeAgainstHumans> judges() {
        List<HumanReview.Reviewed> reviewed = reviewed();
        TreeSet<String> judges = new TreeSet<>();
        reviewed.forEach(one -> judges.addAll(one.judged().votes().keySet()));
        return judges.stream().map(judge -> HumanReview.judge(judge, reviewed)).toList();
    }

    /** Every score on the suite (or all), as the judge gave it and with the people's labels in place. */
    public List<HumanReview.HumanLabelledScore> scores(String suite) {
        List<HumanReview.Reviewed> reviewed = reviewed();
        return stores.tallies().entrySet().stream()
                .map(entry -> Map.entry(ScoreTopology.parts(entry.getKey()), entry.getValue()))
                .filter(entry -> !GoldCanaries.isCanary(entry.getKey()[0]))
                .filter(entry -> suite == null || entry.getKey()[2].equals(suite))
                .map(entry -> HumanReview.score(entry.getKey()[0], entry.getKey()[1], entry.getKey()[2],
                        entry.getValue(), blockedResponses, reviewed))
                .sorted(Comparator.comparing(HumanReview.HumanLabelledScore::suite)
                        .thenComparing(HumanReview.HumanLabelledScore::modelId)
                        .thenComparing(HumanReview.HumanLabelledScore::judgeId))
                .toList();
    }

    /** The responses people labelled, with every judge's vote on each. */
    private List<HumanReview.Reviewed> reviewed() {
        Map<String, HumanLabel> labels = stores.humanLabels();
        Map<String, ReviewCase> cases = cases(labels.values().stream()
                .map(label -> new Response(label.modelId(), label.promptId())).toList());
        return labels.entrySet().stream().filter(entry -> cases.containsKey(entry.getKey()))
                .map(entry -> new HumanReview.Reviewed(cases.get(entry.getKey()), entry.getValue())).toList();
    }
}
