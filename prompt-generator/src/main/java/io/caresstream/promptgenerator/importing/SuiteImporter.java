package io.caresstream.promptgenerator.importing;

import io.caresstream.events.text.ErrorList;
import io.caresstream.suites.hub.HubSplits;
import io.caresstream.suites.hub.HubClient;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.events.PromptEvent;
import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.promptgenerator.domain.ImportReport;
import io.caresstream.suites.reading.RowError;
import io.caresstream.promptgenerator.domain.Selection;
import io.caresstream.suites.reading.SuiteSource;
import io.caresstream.promptgenerator.messaging.PromptPublisher;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports a suite from a JSONL, CSV or Parquet file or from the Hugging Face hub: reads, maps and checks every row first, then publishes. With {@link OnError#REJECT_ALL}
 * (the default) one bad row means nothing is published; with {@link OnError#PUBLISH_VALID} the valid
 * rows are published and every rejected one is reported.
 */
@ApplicationScoped
public class SuiteImporter {

    public enum OnError { REJECT_ALL, PUBLISH_VALID }

    /**
     * How a hub split is read: FILES downloads its Parquet files at the exact commit (any revision, whole
     * cells); VIEWER pages through the dataset viewer's rows API (the current commit only, no download).
     */
    public enum HubAccess { FILES, VIEWER }

    private static final Logger LOG = Logger.getLogger(SuiteImporter.class);

    private final PromptPublisher publisher;
    private final HubClient hub;
    private final int hubPageSize;
    private final SuiteReader reader = new SuiteReader();

    public SuiteImporter(PromptPublisher publisher, HubClient hub,
                         @ConfigProperty(name = "cares.hub.page-size", defaultValue = "100") int hubPageSize) {
        this.publisher = publisher;
        this.hub = hub;
        this.hubPageSize = hubPageSize;
    }

    /** Imports a file (an upload, or one below an import root), named {@code name} in the report and its errors. */
    public ImportReport importFile(Path file, String name, SuiteReader.Format format, FieldMapping mapping,
                                   Selection selection, SuiteSource source, OnError onError) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(name, null, "no such file");
        }
        return publish(reader.read(file, name, format, mapping, source), name, selection, source, onError);
    }

    /**
     * Imports a suite sent as a request's body, reading its rows while the body still arrives (JSON Lines, CSV),
     * so an upload is checked by the time its last byte is in. Parquet keeps its index at the end of the file: it
     * is written to a temporary file first.
     */
    public ImportReport importStream(InputStream body, String name, SuiteReader.Format format, FieldMapping mapping,
                                     Selection selection, SuiteSource source, OnError onError) throws IOException {
        if (format != SuiteReader.Format.PARQUET) {
            return publish(reader.read(body, name, format, mapping, source), name, selection, source, onError);
        }
        Path file = Files.createTempFile("cares-upload-", ".parquet");
        try {
            Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
            return importFile(file, name, format, mapping, selection, source, onError);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Imports a split of a data set from the hub at a pinned revision, from its Parquet files or through
     * the dataset viewer. The suite is named datasetLabel/split@commit unless a name is given.
     */
    public ImportReport importHub(String dataset, String revision, String split, HubAccess access, FieldMapping mapping,
                                  Selection selection, String datasetLabel, String suite, OnError onError)
            throws IOException {
        String commit = hub.resolveRevision(dataset, revision);
        // The commit, not the revision asked for: a branch or tag moves, a commit names the data for good.
        SuiteSource source = new SuiteSource(datasetLabel, commit, split, suite);
        String name = "hf://datasets/" + dataset + "@" + commit.substring(0, Math.min(7, commit.length()));
        SuiteReader.Result result = access == HubAccess.FILES
                ? readHubFiles(dataset, commit, split, name, mapping, source)
                : readHubViewer(dataset, revision, commit, split, name + "/" + split, mapping, source);
        return publish(result, name + "/" + split, selection, source, onError);
    }

    /** The split's Parquet shards at the commit, downloaded one by one, read in shard order. */
    private SuiteReader.Result readHubFiles(String dataset, String commit, String split, String name, FieldMapping mapping,
                                            SuiteSource source) throws IOException {
        List<HubClient.HubFile> shards = HubSplits.shardsOf(hub, dataset, commit, split);
        Path dir = Files.createTempDirectory("cares-hub-");
        List<PromptEvent> prompts = new ArrayList<>();
        ErrorList<RowError> errors = new ErrorList<>();
        long rows = 0;
        long bytes = 0;
        long totalBytes = shards.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        try {
            for (HubClient.HubFile shard : shards) {
                Path local = dir.resolve(Path.of(shard.path()).getFileName().toString());
                hub.download(dataset, commit, shard, local);
                bytes += Math.max(0, shard.size());
                SuiteReader.Result part = reader.readParquet(local, name + "/" + shard.path(), mapping, source);
                prompts.addAll(part.prompts());
                errors.addAll(part.errors());
                rows += part.rowsRead();
                Files.delete(local);
                LOG.infof("%s/%s: %d of %d files, %d of %d bytes, %d rows read", name, split, shards.indexOf(shard) + 1,
                        shards.size(), bytes, totalBytes, rows);
            }
        } finally {
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        return new SuiteReader.Result(prompts, errors, rows);
    }

    /**
     * The split through the viewer's rows API. The viewer serves the data set's current commit only, so a
     * revision that is not the current one is refused rather than silently replaced by other data.
     */
    private SuiteReader.Result readHubViewer(String dataset, String revision, String commit, String split, String name,
                                             FieldMapping mapping, SuiteSource source) {
        String served = hub.resolveRevision(dataset, "main");
        if (!commit.equals(served)) {
            throw new IllegalArgumentException("revision " + revision + " of " + dataset + " is commit " + commit
                    + ", but the dataset viewer serves " + served + " (main); import it with access 'files' instead");
        }
        List<SuiteReader.NumberedRow> rows = new ArrayList<>();
        long total = Long.MAX_VALUE;
        while (rows.size() < total) {
            JsonNode page = hub.rows(dataset, "default", split, rows.size(), hubPageSize);
            total = page.path("num_rows_total").asLong(0);
            JsonNode pageRows = page.path("rows");
            if (!pageRows.isArray() || pageRows.isEmpty()) {
                break;
            }
            for (JsonNode r : pageRows) {
                Map<String, String> truncated = new LinkedHashMap<>();
                r.path("truncated_cells").forEach(cell -> truncated.put(cell.asText(),
                        "truncated by the dataset viewer; import this split with access 'files'"));
                rows.add(new SuiteReader.NumberedRow(r.path("row_idx").asLong(rows.size()) + 1, r.get("row"), truncated));
            }
            LOG.infof("%s: read %d/%d rows", name, rows.size(), total);
        }
        if (rows.size() < total && total != Long.MAX_VALUE) {
            throw new IllegalStateException(name + ": the viewer stopped after " + rows.size() + " of " + total + " rows");
        }
        return reader.read(name, rows, mapping, source);
    }

    private ImportReport publish(SuiteReader.Result result, String sourceName, Selection selection, SuiteSource source,
                                 OnError onError) {
        if (result.rowsRead() == 0) {
            // An empty file is almost always the wrong file: say so rather than report a successful import of nothing.
            throw new IllegalArgumentException(sourceName + " holds no rows: nothing was imported");
        }
        List<String> errors = result.errors().stream().map(RowError::toString).toList();
        long errorCount = result.errorCount();
        long notListed = errorCount - errors.size();
        if (errorCount > 0 && onError == OnError.REJECT_ALL) {
            LOG.warnf("import of %s rejected: %d errors in %d rows, nothing published", sourceName, errorCount,
                    result.rowsRead());
            return new ImportReport(source.suite(), sourceName, result.rowsRead(), 0, errorCount, 0, false, errors,
                    notListed);
        }
        List<PromptEvent> prompts = selection.apply(result.prompts());
        long notSelected = result.prompts().size() - prompts.size();
        long total = prompts.size();
        publisher.publishAll(prompts, done -> LOG.infof("suite %s: published %d/%d prompts", source.suite(), done, total));
        return new ImportReport(source.suite(), sourceName, result.rowsRead(), total, errorCount, notSelected,
                total > 0, errors, notListed);
    }
}
