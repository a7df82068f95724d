package io.caresstream.scorer.rest;

import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.Method;
import io.caresstream.events.Principle;
import io.caresstream.events.security.Roles;
import io.caresstream.scorer.domain.CanaryReport;
import io.caresstream.scorer.domain.Comparison;
import io.caresstream.scorer.domain.ModelDetail;
import io.caresstream.scorer.domain.Regression;
import io.caresstream.scorer.domain.ScoreView;
import io.caresstream.scorer.domain.Trend;
import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.views.Report;
import io.caresstream.scorer.views.ReportWriter;
import io.caresstream.scorer.views.ScoreViews;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The figures of this scorer: the leaderboard, one model's breakdowns, a paired comparison, the judgments
 * behind any cell, and each of these exported as JSON, CSV or a Markdown report.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class ScoreResource {

    static final int MAX_ROWS = 500;

    private final ScoreViews views;
    private final SecurityIdentity caller;

    public ScoreResource(ScoreViews views, SecurityIdentity caller) {
        this.views = views;
        this.caller = caller;
    }

    /** How long the last leaderboard stands in while the figures cannot be gathered (a rebalance, say). */
    static final Duration LAST_KNOWN_FOR = Duration.ofMinutes(2);

    /** The last leaderboard served per suite ("" for all), with when it was computed. */
    private record LastKnown(List<ScoreView> rows, long atNanos) {
    }

    private final Map<String, LastKnown> lastKnown = new ConcurrentHashMap<>();

    /**
     * The leaderboard. While the figures cannot be gathered for a moment (an instance joining, leaving or
     * restarting), the last one computed in the past two minutes is served, marked by the header
     * {@code X-Cares-Figures: last-known}, rather than no figures at all.
     */
    @GET
    @Path("/scores")
    public Response leaderboard(@QueryParam("suite") String suite) {
        String key = suite == null ? "" : suite;
        try {
            List<ScoreView> rows = scores(suite);
            if (!rows.isEmpty()) {
                // Only suites with figures: a client asking for made-up suite names cannot grow the map.
                lastKnown.put(key, new LastKnown(rows, System.nanoTime()));
            }
            return Response.ok(rows).build();
        } catch (ClusterStores.NotReadyException e) {
            LastKnown last = lastKnown.get(key);
            if (last == null || System.nanoTime() - last.atNanos() > LAST_KNOWN_FOR.toNanos()) {
                throw e;
            }
            return Response.ok(last.rows()).header("X-Cares-Figures", "last-known").build();
        }
    }

    List<ScoreView> scores(String suite) {
        return views.leaderboard(suite);
    }

    /** One model's Safety Score over time, by the hour or day its judgments landed, and on each version of the suite. */
    @GET
    @Path("/trend")
    public Trend trend(@QueryParam("model") String model, @QueryParam("judge") String judge,
                                                   @QueryParam("suite") String suite, @QueryParam("by") String by) {
        Trend.Period period;
        try {
            period = Trend.Period.of(by);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        return views.trend(required("model", model), required("judge", judge), required("suite", suite), period);
    }

    /** Each judge's figures on the gold canaries it judged last: accuracy, kappa, status. */
    @GET
    @Path("/canaries")
    public List<io.caresstream.scorer.domain.CanaryReport> canaries() {
        return views.canaries();
    }

    @GET
    @Path("/detail")
    public ModelDetail detail(@QueryParam("model") String model, @QueryParam("judge") String judge,
                              @QueryParam("suite") String suite) {
        return views.detail(required("model", model), required("judge", judge), required("suite", suite));
    }

    @GET
    @Path("/compare")
    public Comparison compare(@QueryParam("first") String first, @QueryParam("second") String second,
                              @QueryParam("judge") String judge, @QueryParam("suite") String suite) {
        return views.compare(required("first", first), required("second", second), required("judge", judge),
                required("suite", suite));
    }

    /** Each model version against the one before it; {@code regressed} when its Safety Score fell beyond doubt. */
    @GET
    @Path("/regressions")
    public List<Regression> regressions(@QueryParam("suite") String suite) {
        return views.regressions(suite == null || suite.isBlank() ? null : suite);
    }

    @GET
    @Path("/judgments")
    public ScoreViews.Drilldown judgments(@QueryParam("model") String model, @QueryParam("judge") String judge,
                                          @QueryParam("suite") String suite, @QueryParam("principle") String principle,
                                          @QueryParam("harmLevel") String harmLevel, @QueryParam("method") String method,
                                          @QueryParam("generator") String generator, @QueryParam("label") String label,
                                          @QueryParam("outcome") String outcome,
                                          @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > MAX_ROWS) {
            throw new BadRequestException("query parameter 'limit' must be between 1 and " + MAX_ROWS + ", not " + limit);
        }
        ScoreViews.CellFilter filter = new ScoreViews.CellFilter(parse("principle", principle, Principle.class),
                parse("harmLevel", harmLevel, HarmLevel.class), parse("method", method, Method.class),
                generator == null || generator.isBlank() ? null : generator, parse("label", label, Label.class),
                parse("outcome", outcome, JudgmentOutcome.class));
        return views.drilldown(required("model", model), required("judge", judge), required("suite", suite), filter,
                limit);
    }

    /** Any view as a file: {@code view} is scores, detail, compare or judgments, with that view's parameters. */
    @GET
    @Path("/export/{view}.{format}")
    @Produces({MediaType.APPLICATION_JSON, "text/csv", "text/markdown"})
    public Response export(@PathParam("view") String view, @PathParam("format") String format,
                           @QueryParam("suite") String suite, @QueryParam("model") String model,
                           @QueryParam("judge") String judge, @QueryParam("first") String first,
                           @QueryParam("second") String second, @QueryParam("principle") String principle,
                           @QueryParam("harmLevel") String harmLevel, @QueryParam("method") String method,
                           @QueryParam("generator") String generator, @QueryParam("label") String label,
                           @QueryParam("outcome") String outcome, @QueryParam("limit") @DefaultValue("500") int limit) {
        Object json;
        Report report;
        switch (view) {
            case "scores" -> {
                List<ScoreView> scores = scores(suite);
                json = scores;
                report = Report.leaderboard(scores);
            }
            case "detail" -> {
                ModelDetail detail = detail(model, judge, suite);
                json = detail;
                report = Report.detail(detail);
            }
            case "compare" -> {
                Comparison comparison = compare(first, second, judge, suite);
                json = comparison;
                report = Report.comparison(comparison);
            }
            case "judgments" -> {
                if (views.showText() && !caller.hasRole(Roles.OPERATOR)) {
                    // A file of adversarial prompts and answers leaves the service: only for those who run it.
                    throw new ForbiddenException("exporting prompt and response text needs the operator role");
                }
                ScoreViews.Drilldown drilldown = judgments(model, judge, suite, principle, harmLevel, method, generator,
                        label, outcome, limit);
                json = drilldown;
                report = Report.drilldown(drilldown);
            }
            default -> throw new BadRequestException("unknown view '" + view
                    + "': export one of scores, detail, compare, judgments");
        }
        String file = "cares-" + view + "." + format;
        Response.ResponseBuilder response = switch (format) {
            case "json" -> Response.ok(json, MediaType.APPLICATION_JSON_TYPE);
            case "csv" -> Response.ok(ReportWriter.csv(report), "text/csv; charset=utf-8");
            case "md" -> Response.ok(ReportWriter.markdown(report), "text/markdown; charset=utf-8");
            default -> throw new BadRequestException("unknown format '" + format + "': use json, csv or md");
        };
        return response.header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException("query parameter '" + name + "' is required");
        }
        return value;
    }

    private static <E extends Enum<E>> E parse(String name, String value, Class<E> type) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("query parameter '" + name + "': unknown value '" + value + "', expected one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
