package io.caresstream.scorer.views;

import io.caresstream.scorer.domain.Breakdown;
import io.caresstream.scorer.domain.Comparison;
import io.caresstream.scorer.domain.ModelDetail;
import io.caresstream.scorer.domain.ScoreView;
import io.caresstream.scorer.domain.Uncertainty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A view as tables, for the CSV and Markdown exports. All tables of one report share their columns, so
 * the CSV is one table with a leading {@code table} column and the Markdown one section per table.
 */
public record Report(String title, List<String> notes, List<String> columns, List<Table> tables) {

    public record Table(String name, List<List<Object>> rows) {
    }

    private static final List<String> FIGURE_COLUMNS = List.of("group", "subgroup", "n", "value", "lower_95", "upper_95");

    public static Report leaderboard(List<ScoreView> scores) {
        List<List<Object>> rows = new ArrayList<>();
        boolean simulated = false;
        for (ScoreView s : scores) {
            simulated |= s.simulated();
            rows.add(Arrays.asList(s.modelId(), s.judgeId(), s.suite(), s.safetyScore(), lower(s.safetyScoreInterval()),
                    upper(s.safetyScoreInterval()), s.labelled(), s.unjudgeable(), s.responseErrors(), s.blocked(),
                    s.blockedCountedAsRefuse(), s.coverage().suitePrompts(), s.coverage().responded(), s.coverage().progress(),
                    s.coverage().complete(), s.simulated()));
        }
        return new Report("CARES Safety Scores", notes(simulated), List.of("model", "judge", "suite", "safety_score",
                "lower_95", "upper_95", "labelled", "unjudgeable", "response_errors", "blocked", "blocked_as_refuse",
                "suite_prompts", "responded",
                "progress", "complete", "simulated"), List.of(new Table("leaderboard", rows)));
    }

    public static Report detail(ModelDetail detail) {
        ScoreView s = detail.score();
        List<Table> tables = new ArrayList<>();
        tables.add(new Table("safety_score", List.of(figure("all", null, s.labelled(), s.safetyScore(),
                s.safetyScoreInterval()))));
        tables.add(breakdowns("by_principle", detail.byPrinciple()));
        tables.add(breakdowns("by_harm_level", detail.byHarmLevel()));
        tables.add(breakdowns("by_method", detail.byMethod()));
        tables.add(breakdowns("by_generator", detail.byGenerator()));
        tables.add(breakdowns("principle_by_harm_level", detail.principleByHarmLevel()));
        List<List<Object>> overRefusal = new ArrayList<>();
        detail.overRefusalByMethod().forEach(o -> overRefusal.add(figure(o.method(), null, o.harmless(), o.rate(),
                o.interval())));
        tables.add(new Table("over_refusal_by_method", overRefusal));
        List<List<Object>> robustness = new ArrayList<>();
        detail.jailbreakRobustness().forEach(r -> robustness.add(figure(r.method(), "minus direct", r.pairs(),
                r.difference(), r.differenceInterval())));
        tables.add(new Table("jailbreak_robustness", robustness));
        List<String> notes = notes(s.simulated());
        notes.add(0, "Model " + s.modelId() + ", judge " + s.judgeId() + ", suite " + s.suite() + ": "
                + s.coverage().judged() + " judged of " + s.coverage().suitePrompts() + " prompts in the suite"
                + (s.coverage().complete() ? "." : " (partial)."));
        return new Report("CARES report: " + s.modelId(), notes, FIGURE_COLUMNS, tables);
    }

    public static Report comparison(Comparison c) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(figure("safety_score", c.first(), c.pairs(), c.firstScore(), null));
        rows.add(figure("safety_score", c.second(), c.pairs(), c.secondScore(), null));
        rows.add(figure("difference", c.second() + " minus " + c.first(), c.pairs(), c.difference(),
                c.differenceInterval()));
        paired(rows, "over_refusal_harmless", c, c.overRefusal());
        paired(rows, "tokens_per_response", c, c.tokens());
        paired(rows, "latency_ms_per_response", c, c.latencyMs());
        if (c.secondGuardFiredShare() != null) {
            rows.add(figure("guard_fired_share", c.second(), c.pairs(), c.secondGuardFiredShare(), null));
        }
        if (c.mcNemar() != null) {
            rows.add(figure("mcnemar_p_value", "only first right " + c.onlyFirstRight() + ", only second right "
                    + c.onlySecondRight(), c.onlyFirstRight() + c.onlySecondRight(), c.mcNemar().pValue(), null));
        }
        List<String> notes = new ArrayList<>();
        notes.add("Paired on the " + c.pairs() + " prompts both models have labelled (judge " + c.judgeId()
                + ", suite " + c.suite() + ").");
        return new Report("CARES comparison: " + c.first() + " vs " + c.second(), notes, FIGURE_COLUMNS,
                List.of(new Table("comparison", rows)));
    }

    private static void paired(List<List<Object>> rows, String name, Comparison c, Comparison.PairedMean mean) {
        if (mean != null) {
            rows.add(figure(name, c.first(), mean.pairs(), mean.first(), null));
            rows.add(figure(name, c.second(), mean.pairs(), mean.second(), null));
            rows.add(figure(name + "_difference", c.second() + " minus " + c.first(), mean.pairs(), mean.difference(),
                    mean.interval()));
        }
    }

    public static Report drilldown(ScoreViews.Drilldown d) {
        List<List<Object>> rows = new ArrayList<>();
        for (ScoreViews.Drilldown.Row r : d.rows()) {
            rows.add(Arrays.asList(r.promptId(), r.principle(), r.harmLevel(), r.method(), r.generator(),
                    r.outcome(), r.label(), r.score(), r.judgeAnswer(), r.prompt(), r.response()));
        }
        List<String> notes = new ArrayList<>();
        notes.add("Content warning: CARES prompts are harmful by design." + (d.textShown() ? ""
                : " Prompt and response text is switched off on this server."));
        notes.add(d.rows().size() + " of " + d.matched() + " matching judgments.");
        return new Report("CARES judgments: " + d.modelId(), notes, List.of("prompt_id", "principle", "harm_level",
                "method", "generator", "outcome", "label", "score", "judge_answer", "prompt", "response"),
                List.of(new Table("judgments", rows)));
    }

    private static Table breakdowns(String name, List<Breakdown> breakdowns) {
        List<List<Object>> rows = new ArrayList<>();
        breakdowns.forEach(b -> rows.add(figure(b.group(), b.subgroup(), b.labelled(), b.safetyScore(), b.interval())));
        return new Table(name, rows);
    }

    private static List<Object> figure(String group, String subgroup, long n, Double value, Uncertainty.Interval interval) {
        return Arrays.asList(group, subgroup, n, value, lower(interval), upper(interval));
    }

    private static List<String> notes(boolean simulated) {
        List<String> notes = new ArrayList<>();
        if (simulated) {
            notes.add("SIMULATED: some figures come from the simulated model or judge, not a real one.");
        }
        return notes;
    }

    private static Double lower(Uncertainty.Interval interval) {
        return interval == null || Double.isNaN(interval.lower()) ? null : interval.lower();
    }

    private static Double upper(Uncertainty.Interval interval) {
        return interval == null || Double.isNaN(interval.upper()) ? null : interval.upper();
    }
}
