package io.caresstream.suites.hub;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Parquet files of a hub data set hold a split, by the hub's naming conventions: a file named after
 * the split ({@code data/test-00000-of-00002.parquet}, {@code test.parquet}) or a folder named after it
 * ({@code test/0000.parquet}, as on the hub's Parquet conversion branch).
 */
public final class HubSplits {

    /** A file named after its split, optionally followed by a shard number. */
    private static final Pattern NAMED = Pattern.compile("([a-z][a-z0-9_]*?)(?:[-._][0-9][^/]*)?\\.parquet");
    /** A shard named by number only, in a folder named after its split. */
    private static final Pattern NUMBERED = Pattern.compile("[0-9][^/]*\\.parquet");

    private HubSplits() {
    }

    /**
     * The Parquet shards of one split of a data set at a commit, in path order; a split the data set lacks is
     * refused, naming the splits it has.
     */
    public static List<HubClient.HubFile> shardsOf(HubClient hub, String dataset, String commit, String split) {
        List<HubClient.HubFile> all = hub.files(dataset, commit);
        List<HubClient.HubFile> shards = parquetFilesOf(split, all);
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("hf://datasets/" + dataset + "@" + commit.substring(0, Math.min(7, commit.length()))
                    + " has no Parquet files for split '" + split + "' (splits found: " + splitsIn(all) + ")");
        }
        return shards;
    }

    /** The Parquet shards of one split, in path order. */
    public static List<HubClient.HubFile> parquetFilesOf(String split, List<HubClient.HubFile> files) {
        return files.stream()
                .filter(f -> split.equals(splitOf(f.path())))
                .sorted(Comparator.comparing(HubClient.HubFile::path))
                .toList();
    }

    public static Set<String> splitsIn(List<HubClient.HubFile> files) {
        Set<String> splits = new TreeSet<>();
        files.forEach(f -> {
            String split = splitOf(f.path());
            if (split != null) {
                splits.add(split);
            }
        });
        return splits;
    }

    /** The split a Parquet file's name or folder gives, or null when it names none. */
    static String splitOf(String path) {
        String[] parts = path.toLowerCase(Locale.ROOT).split("/");
        String name = parts[parts.length - 1];
        Matcher named = NAMED.matcher(name);
        if (named.matches()) {
            return named.group(1);
        }
        return NUMBERED.matcher(name).matches() && parts.length > 1 ? parts[parts.length - 2] : null;
    }
}
