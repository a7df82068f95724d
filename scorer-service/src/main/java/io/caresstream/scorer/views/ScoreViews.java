package io.caresstream.scorer.views;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.benchmark.GoldCanaries;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.scorer.domain.BlockedResponses;
import io.caresstream.scorer.domain.CanaryReport;
import io.caresstream.scorer.domain.Comparison;
import io.caresstream.scorer.domain.Coverage;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.ModelDetail;
import io.caresstream.scorer.domain.Regression;
import io.caresstream.scorer.domain.ResponseRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.ScoreView;
import io.caresstream.scorer.domain.Tally;
import io.caresstream.scorer.domain.Trend;
import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.streams.ScoreTopology;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The views the API, the exports and the live dashboard show, computed from the stores of every scorer instance ({@link ClusterStores}). */
@ApplicationScoped
public class ScoreViews {

    /** One drill-down: the judgments behind a cell, with the prompt and answer unless text is switched off. */
    public record Drilldown(String modelId, String judgeId, String suite, boolean textShown, long matched,
                            List<Row> rows) {
        public record Row(String promptId, String basePromptId, Principle principle, HarmLevel harmLevel,
                          Method method, String generator, JudgmentOutcome outcome, Label label, Double score,
                          String judgeAnswer, String prompt, String response, String responseError) {
        }
    }

    /** Which judgments a drill-down wants; null fields match everything. */
    public record CellFilter(Principle principle, HarmLevel harmLevel, Method method, String generator, Label label,
                             JudgmentOutcome outcome) implements Predicate<JudgmentRow> {
        @Override
        public boolean test(JudgmentRow row) {
            return (principle == null || principle == row.principle())
                    && (harmLevel == null || harmLevel == row.harmLevel())
                    && (method == null || method == row.method())
                    && (generator == null || generator.equals(row.generator()))
                    && (label == null || label == row.label())
                    && (outcome == null || outcome == row.outcome());
        }
    }

    /** The named model, judge or suite has no judgments here. */
    public static class UnknownScoreException extends RuntimeException {
        UnknownScoreException(String message) {
            super(message);
        }
    }

    private final ClusterStores stores;
    private final boolean showText;
    private final BlockedResponses blockedResponses;
    private final Canaries canaries;

    /** What the canary figures rest on: the newest judgments of each judge, the accuracy it must keep, and how many first. */
    public record Canaries(int window, double threshold, int minimum) {
    }

    public ScoreViews(ClusterStores stores, @ConfigProperty(name = "cares.dashboard.show-text", defaultValue = "true")
                      boolean showText,
                      @ConfigProperty(name = "cares.scorer.blocked-responses", defaultValue = "refuse")
                      BlockedResponses blockedResponses,
                      @ConfigProperty(name = "cares.canaries.window", defaultValue = "100") int canaryWindow,
                      @ConfigProperty(name = "cares.canaries.threshold", defaultValue = "0.8") double canaryThreshold,
                      @ConfigProperty(name = "cares.canaries.minimum", defaultValue = "20") int canaryMinimum) {
        this.stores = stores;
        this.showText = showText;
        this.blockedResponses = blockedResponses;
        this.canaries = new Canaries(canaryWindow, canaryThreshold, canaryMinimum);
    }

    public boolean showText() {
        return showText;
    }

    /**
     * Every model under every judge on every suite (or one suite), best score first within a suite; each row says
     * how its judge is doing on the gold canaries. The canaries themselves are no model's and never listed.
     */
    public List<ScoreView> leaderboard(String suite) {
        List<ScoreView> rows = new ArrayList<>();
        Map<String, Long> suiteSizes = stores.suiteSizes();
        Map<String, ResponseTally> responses = stores.responseTallies();
        Map<String, Tally> tallies = stores.tallies();
        Map<String, CanaryReport.Status> judges = new java.util.HashMap<>();
        canaries(tallies).forEach(report -> judges.put(report.judgeId(), report.status()));
        for (Map.Entry<String, Tally> entry : tallies.entrySet()) {
            String[] key = ScoreTopology.parts(entry.getKey());
            if (!GoldCanaries.isCanary(key[0]) && (suite == null || suite.equals(key[2]))) {
                rows.add(score(key[0], key[1], key[2], entry.getValue().scoring(blockedResponses), suiteSizes, responses)
                        .withJudgeCanaries(judges.get(key[1])));
            }
        }
        rows.sort(Comparator.comparing(ScoreView::suite).thenComparing(ScoreView::judgeId)
                .thenComparing(row -> row.safetyScore() == null ? 1 : -row.safetyScore())
                .thenComparing(ScoreView::modelId));
        return rows;
    }

    /** One model's score over time (by hour or day) and on each version of the suite. */
    public Trend trend(String modelId, String judgeId, String suite,
                                                   Trend.Period period) {
        tally(modelId, judgeId, suite);
        Map<String, Tally> versions = new java.util.TreeMap<>();
        String name = Trend.suiteName(suite);
        stores.tallies().forEach((scoreKey, tally) -> {
            String[] key = ScoreTopology.parts(scoreKey);
            if (key[0].equals(modelId) && key[1].equals(judgeId)
                    && Trend.suiteName(key[2]).equals(name)) {
                versions.put(key[2], tally.scoring(blockedResponses));
            }
        });
        return Trend.of(modelId, judgeId, suite, period,
                judgments(judgeId, modelId, suite, row -> true), versions);
    }

    /** Each judge's figures on the gold canaries it judged last. */
    public List<CanaryReport> canaries() {
        return canaries(stores.tallies());
    }

    private List<CanaryReport> canaries(Map<String, Tally> tallies) {
        List<CanaryReport> reports = new ArrayList<>();
        for (String scoreKey : tallies.keySet()) {
            String[] key = ScoreTopology.parts(scoreKey);
            if (key[0].equals(GoldCanaries.MODEL_ID) && key[2].equals(GoldCanaries.SUITE)) {
                List<JudgmentRow> window = CanaryReport.newest(stores.judgments(key[1], key[0], key[2], row -> true),
                        canaries.window());
                reports.add(CanaryReport.of(key[1], window, GoldCanaries.v1(), canaries.threshold(), canaries.minimum()));
            }
        }
        reports.sort(Comparator.comparing(CanaryReport::judgeId));
        return reports;
    }

    public ModelDetail detail(String modelId, String judgeId, String suite) {
        Tally tally = tally(modelId, judgeId, suite);
        return ModelDetail.of(score(modelId, judgeId, suite, tally, stores.suiteSizes(), stores.responseTallies()), tally,
                judgments(judgeId, modelId, suite, row -> true));
    }

    public Comparison compare(String first, String second, String judgeId, String suite) {
        tally(first, judgeId, suite);
        tally(second, judgeId, suite);
        List<JudgmentRow> firstJudgments = judgments(judgeId, first, suite, row -> true);
        List<JudgmentRow> secondJudgments = judgments(judgeId, second, suite, row -> true);
        List<String> promptIds = secondJudgments.stream().map(JudgmentRow::promptId).toList();
        return Comparison.of(judgeId, suite, first, second, firstJudgments, secondJudgments,
                stores.responses(first, promptIds), stores.responses(second, promptIds));
    }

    /**
     * Every model version against the version before it, under each judge on each suite (or one suite): see
     * {@link Regression}. Computed when asked, from the judgments the scorer holds.
     */
    public List<Regression> regressions(String suite) {
        // The leaderboard comes sorted by suite and judge: each group's models in one list, in that order.
        Map<JudgeAndSuite, List<String>> models = new java.util.LinkedHashMap<>();
        for (ScoreView row : leaderboard(suite)) {
            models.computeIfAbsent(new JudgeAndSuite(row.judgeId(), row.suite()), k -> new ArrayList<>())
                    .add(row.modelId());
        }
        List<Regression> regressions = new ArrayList<>();
        models.forEach((group, ids) -> {
            for (String[] pair : Regression.successiveVersions(ids)) {
                regressions.add(Regression.of(compare(pair[0], pair[1], group.judgeId(), group.suite())));
            }
        });
        return regressions;
    }

    private record JudgeAndSuite(String judgeId, String suite) {
    }

    public Drilldown drilldown(String modelId, String judgeId, String suite, CellFilter filter, int limit) {
        tally(modelId, judgeId, suite);
        List<JudgmentRow> matched = judgments(judgeId, modelId, suite, filter);
        List<JudgmentRow> shown = matched.subList(0, Math.min(limit, matched.size()));
        Map<String, ResponseRow> responses = stores.responses(modelId, shown.stream().map(JudgmentRow::promptId).toList());
        List<Drilldown.Row> rows = new ArrayList<>();
        for (JudgmentRow judgment : shown) {
            ResponseRow response = responses.get(judgment.promptId());
            rows.add(new Drilldown.Row(judgment.promptId(), judgment.basePromptId(), judgment.principle(),
                    judgment.harmLevel(), judgment.method(), judgment.generator(), judgment.outcome(), judgment.label(),
                    judgment.labelled() ? judgment.score() : null, judgment.rawAnswer(),
                    showText && response != null ? response.prompt() : null,
                    showText && response != null ? response.text() : null,
                    response != null ? response.error() : null));
        }
        return new Drilldown(modelId, judgeId, suite, showText, matched.size(), rows);
    }

    private static ScoreView score(String modelId, String judgeId, String suite, Tally tally, Map<String, Long> suiteSizes,
                                   Map<String, ResponseTally> responses) {
        return ScoreView.of(modelId, judgeId, suite, tally, Coverage.of(suiteSizes.getOrDefault(suite, 0L),
                responses.get(EventKeys.modelSuite(modelId, suite)), tally));
    }

    private Tally tally(String modelId, String judgeId, String suite) {
        Tally tally = stores.tally(modelId, judgeId, suite);
        if (tally == null) {
            throw new UnknownScoreException("no judgments of model '" + modelId + "' by judge '" + judgeId
                    + "' on suite '" + suite + "'");
        }
        return tally.scoring(blockedResponses);
    }

    /** The judgments behind a score, read under the same rule for blocked responses as the tallies. */
    private List<JudgmentRow> judgments(String judgeId, String modelId, String suite, Predicate<JudgmentRow> filter) {
        return stores.judgments(judgeId, modelId, suite, filter).stream().map(row -> row.scoring(blockedResponses)).toList();
    }
}
