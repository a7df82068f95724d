package io.caresstream.suites.hub;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HubSplitsTest {

    @Test
    void aSplitIsNamedByItsFileOrItsFolder() {
        assertEquals("test", HubSplits.splitOf("data/test-00000-of-00001.parquet"));
        assertEquals("train", HubSplits.splitOf("train.parquet"));
        assertEquals("validation", HubSplits.splitOf("data/validation_0001.parquet"));
        assertEquals("test", HubSplits.splitOf("default/test/0000.parquet"), "the hub's Parquet conversion layout");
        assertNull(HubSplits.splitOf("README.md"));
        assertNull(HubSplits.splitOf("0000.parquet"));
    }

    @Test
    void theShardsOfASplitComeInOrderAndOthersAreLeftOut() {
        List<HubClient.HubFile> files = List.of(file("data/test-00001-of-00002.parquet"), file("README.md"),
                file("data/train-00000-of-00001.parquet"), file("data/test-00000-of-00002.parquet"));
        assertEquals(List.of("data/test-00000-of-00002.parquet", "data/test-00001-of-00002.parquet"),
                HubSplits.parquetFilesOf("test", files).stream().map(HubClient.HubFile::path).toList());
        assertEquals(Set.of("test", "train"), HubSplits.splitsIn(files));
    }

    private static HubClient.HubFile file(String path) {
        return new HubClient.HubFile(path, 1, Optional.empty());
    }
}
