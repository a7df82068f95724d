package io.caresstream.scorer.rest;

import io.caresstream.events.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.caresstream.scorer.domain.JudgmentRow;
import io.caresstream.scorer.domain.ResponseTally;
import io.caresstream.scorer.domain.SuiteCount;
import io.caresstream.scorer.domain.Tally;
import io.caresstream.scorer.domain.TallyCodec;
import io.caresstream.scorer.streams.ScoreTopology;
import io.caresstream.scorer.streams.ClusterStores;
import io.caresstream.scorer.streams.ScoreUpdates;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import org.apache.kafka.streams.KafkaStreams;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * This instance's share of the stores, for the other scorer instances (see {@link ClusterStores}); not for
 * people, and never the prompt text unless the text is switched on.
 */
@Path("/internal/stores")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.SERVICE)
public class InternalStoresResource {

    private final ClusterStores stores;
    private final KafkaStreams streams;
    private final ScoreUpdates updates;

    public InternalStoresResource(ClusterStores stores, KafkaStreams streams, ScoreUpdates updates) {
        this.stores = stores;
        this.streams = streams;
        this.updates = updates;
    }

    /** This instance's update version, which moves whenever one of its figures changes (for live pages elsewhere). */
    @GET
    @Path("/version")
    public long version() {
        return updates.version();
    }

    /** The tasks (sub-topology and partition) this instance works on, active and standby. */
    @GET
    @Path("/tasks")
    public Map<String, List<String>> tasks() {
        List<String> active = new java.util.ArrayList<>();
        List<String> standby = new java.util.ArrayList<>();
        streams.metadataForLocalThreads().forEach(thread -> {
            thread.activeTasks().forEach(task -> active.add(task.taskId().toString()));
            thread.standbyTasks().forEach(task -> standby.add(task.taskId().toString()));
        });
        return Map.of("active", active, "standby", standby);
    }

    // Each store at its own name: ClusterStores asks the other instances for /internal/stores/{store name}.
    @GET
    @Path("/" + ScoreTopology.PARTITION_SCORES)
    public List<ClusterStores.Entry<byte[]>> partitionScores() {
        return stores.<Tally>localAll(ScoreTopology.PARTITION_SCORES).entrySet().stream()
                .map(e -> new ClusterStores.Entry<>(e.getKey(), TallyCodec.encode(e.getValue()))).toList();
    }

    @GET
    @Path("/" + ScoreTopology.PARTITION_RESPONSE_TALLIES)
    public List<ClusterStores.Entry<ResponseTally>> partitionResponseTallies() {
        return entries(stores.localAll(ScoreTopology.PARTITION_RESPONSE_TALLIES));
    }

    @GET
    @Path("/" + ScoreTopology.PARTITION_SUITE_COUNTS)
    public List<ClusterStores.Entry<SuiteCount>> partitionSuiteCounts() {
        return entries(stores.localAll(ScoreTopology.PARTITION_SUITE_COUNTS));
    }

    @GET
    @Path("/judgments")
    public List<JudgmentRow> judgments(@QueryParam("judge") String judge, @QueryParam("model") String model,
                                       @QueryParam("suite") String suite) {
        return stores.localJudgments(judge, model, suite);
    }

    /** The entries under the given keys that this instance holds, of the responses (model|prompt) or judgments. */
    @POST
    @Path("/{store}/keys")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> byKey(@PathParam("store") String store, List<String> keys) {
        if (!LOOKED_UP_BY_KEY.contains(store)) {
            throw new jakarta.ws.rs.NotFoundException("no store '" + store + "' to look keys up in: one of "
                    + LOOKED_UP_BY_KEY);
        }
        if (keys == null || keys.size() > ClusterStores.MAX_KEYS) {
            throw new jakarta.ws.rs.BadRequestException("give a list of at most " + ClusterStores.MAX_KEYS
                    + " keys, not "
                    + (keys == null ? "none" : keys.size()));
        }
        return stores.localGet(store, keys);
    }

    private static final List<String> LOOKED_UP_BY_KEY = List.of(ScoreTopology.RESPONSES, ScoreTopology.JUDGMENTS);

    private static <V> List<ClusterStores.Entry<V>> entries(Map<String, V> all) {
        return all.entrySet().stream().map(e -> new ClusterStores.Entry<>(e.getKey(), e.getValue())).toList();
    }
}
