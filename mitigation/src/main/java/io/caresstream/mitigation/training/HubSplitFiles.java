package io.caresstream.mitigation.training;

import io.caresstream.suites.hub.HubClient;
import io.caresstream.suites.hub.HubSplits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A split of a data set on the hub as local Parquet files, fetched with the suites library's hub client
 * (revision resolved to its commit, sizes and SHA-256 checked, the token sent to the hub only) into a cache
 * folder named by the commit, so a second run downloads nothing.
 */
final class HubSplitFiles {

    private HubSplitFiles() {
    }

    static List<Path> fetch(HubClient hub, String dataset, String revision, String split, Path cache) throws Exception {
        String commit = hub.resolveRevision(dataset, revision);
        List<HubClient.HubFile> shards = HubSplits.shardsOf(hub, dataset, commit, split);
        List<Path> local = new ArrayList<>();
        for (HubClient.HubFile shard : shards) {
            Path target = cache.resolve(dataset.replace('/', '_')).resolve(commit).resolve(shard.path());
            if (!Files.exists(target) || (shard.size() >= 0 && Files.size(target) != shard.size())) {
                Files.createDirectories(target.getParent());
                System.out.printf("downloading hf://datasets/%s@%s/%s%n", dataset, commit.substring(0, 7), shard.path());
                hub.download(dataset, commit, shard, target);
            }
            local.add(target);
        }
        return local;
    }
}
