package io.caresstream.promptgenerator.importing;

import io.caresstream.domain.CaresCodes;
import io.caresstream.events.PromptEvent;
import io.caresstream.promptgenerator.domain.FieldMapping;
import io.caresstream.promptgenerator.domain.ImportReport;
import io.caresstream.promptgenerator.domain.RowError;
import io.caresstream.promptgenerator.domain.Selection;
import io.caresstream.promptgenerator.domain.SuiteSource;
import io.caresstream.promptgenerator.domain.SuiteSummary;
import io.caresstream.promptgenerator.messaging.PromptPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Imports a suite from a JSONL or CSV file: reads, maps and checks every row first, then publishes. With {@link OnError#REJECT_ALL}
 * (the default) one bad row means nothing is published; with {@link OnError#PUBLISH_VALID} the valid
 * rows are published and every rejected one is reported.
 */
@ApplicationScoped
public class SuiteImporter {

    public enum OnError { REJECT_ALL, PUBLISH_VALID }

    private static final Logger LOG = Logger.getLogger(SuiteImporter.class);

    private final PromptPublisher publisher;
    private final SuiteReader reader = new SuiteReader();
    private final Map<String, SuiteSummary> suites = new ConcurrentHashMap<>();

    public SuiteImporter(PromptPublisher publisher) {
        this.publisher = publisher;
    }

    public ImportReport importFile(Path file, SuiteReader.Format format, FieldMapping mapping, Selection selection,
                                   SuiteSource source, OnError onError) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        SuiteReader.Result result = reader.read(file, format, mapping, source);
        List<String> errors = result.errors().stream().map(RowError::toString).toList();
        if (!errors.isEmpty() && onError == OnError.REJECT_ALL) {
            LOG.warnf("import of %s rejected: %d of %d rows malformed, nothing published", file, errors.size(), result.rowsRead());
            return new ImportReport(source.suite(), file.toString(), result.rowsRead(), 0, errors.size(), 0, false, errors);
        }
        List<PromptEvent> prompts = selection.apply(result.prompts());
        long notSelected = result.prompts().size() - prompts.size();
        long total = prompts.size();
        publisher.publishAll(prompts, done -> LOG.infof("suite %s: published %d/%d prompts", source.suite(), done, total));
        // The latest import of a suite defines its listing.
        suites.put(source.suite(), summary(source, prompts));
        return new ImportReport(source.suite(), file.toString(), result.rowsRead(), total, errors.size(), notSelected,
                total > 0, errors);
    }

    public Collection<SuiteSummary> suites() {
        return new TreeMap<>(suites).values();
    }

    private static SuiteSummary summary(SuiteSource source, List<PromptEvent> prompts) {
        // Distinct prompt ids: a file listing a row twice still holds one prompt.
        Map<String, PromptEvent> distinct = prompts.stream()
                .collect(Collectors.toMap(PromptEvent::getPromptId, p -> p, (a, b) -> a, LinkedHashMap::new));
        Collection<PromptEvent> all = distinct.values();
        return new SuiteSummary(source.suite(), source.dataset(), source.revision(), source.split(), all.size(),
                count(all, p -> p.getMetadata().getPrinciple().name()),
                count(all, p -> p.getMetadata().getHarmLevel().name()),
                count(all, p -> CaresCodes.code(p.getMetadata().getMethod())));
    }

    private static Map<String, Long> count(Collection<PromptEvent> prompts, Function<PromptEvent, String> key) {
        return prompts.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }
}
