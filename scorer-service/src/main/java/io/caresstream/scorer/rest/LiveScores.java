package io.caresstream.scorer.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.scorer.domain.ScoreView;
import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.views.ScoreViews;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-sent events for the live dashboard: the leaderboard, sent when it is first asked for and again
 * whenever a figure changed, at most once per tick. Each event carries the scorer's update version so a
 * page knows to refresh the panels it shows. The version is the whole cluster's: every instance's page moves
 * when a figure changes on any instance.
 */
@Path("/api/live")
@RolesAllowed({Roles.VIEWER, Roles.OPERATOR})
public class LiveScores {

    /** One push: the update version and the leaderboard at that version. */
    public record Update(long version, long sentAtMs, List<ScoreView> scores) {
    }

    private final ScoreViews views;
    private final ClusterStores stores;
    private final Duration tick;

    public LiveScores(ScoreViews views, ClusterStores stores,
                      @ConfigProperty(name = "cares.dashboard.tick", defaultValue = "PT0.1S") Duration tick) {
        this.views = views;
        this.stores = stores;
        this.tick = tick;
    }

    /** The latest leaderboard per suite ("" for all), so every page watching it shares one computation. */
    private final Map<String, Update> latest = new ConcurrentHashMap<>();

    private Update latest(String suite) {
        long version = stores.clusterVersion();
        return latest.compute(suite == null ? "" : suite, (key, cached) -> cached != null && cached.version() == version
                ? cached : new Update(version, System.currentTimeMillis(), views.leaderboard(suite)));
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Update> live(@QueryParam("suite") String suite) {
        AtomicLong sent = new AtomicLong(-1);
        return Multi.createFrom().ticks().every(tick)
                .onOverflow().drop()
                // The version of every instance: a judgment counted on a partition another instance holds moves
                // this page too.
                .filter(t -> stores.clusterVersion() != sent.get())
                .map(t -> {
                    try {
                        Update update = latest(suite);
                        sent.set(update.version());
                        return update;
                    } catch (ClusterStores.NotReadyException e) {
                        return null; // rebalancing: try again on the next tick
                    }
                })
                .filter(update -> update != null);
    }
}
