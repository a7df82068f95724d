package io.caresstream.promptgenerator.importing;

import io.caresstream.events.PromptEvent;
import io.caresstream.suites.generated.GeneratedSuite;
import io.caresstream.suites.reading.FieldMapping;
import io.caresstream.suites.reading.SuiteReader;
import io.caresstream.suites.reading.SuiteSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * At start, a suite the service generates goes through an import's reading, mapping and checks, and its prompts
 * through the Avro writer of their events: nothing is published and nothing is kept. A prompt-generator's first
 * import otherwise loads and compiles that path while the import waits (a cold one took 0.4 s longer from the
 * upload to its first prompt on the log: docs/performance.md), and a plugged-in model waits behind it.
 */
@ApplicationScoped
class ImportRehearsal {

    static final String ROWS = "cares.import.rehearsal-rows";

    private static final Logger LOG = Logger.getLogger(ImportRehearsal.class);

    void rehearse(@Observes StartupEvent start, @ConfigProperty(name = ROWS, defaultValue = "2000") int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException(ROWS + " (CARES_IMPORT_REHEARSAL_ROWS) must be 0 (no rehearsal) or more, got "
                    + rows);
        }
        if (rows == 0) {
            return;
        }
        long started = System.nanoTime();
        try {
            SuiteReader.Result result = rehearse(rows);
            LOG.infof("import rehearsed: %d generated rows read, checked and encoded in %d ms; nothing published",
                    result.rowsRead(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            // Only a head start: the first import takes longer, nothing else.
            LOG.warnf("the import rehearsal failed (%s); the first import may be slower", e.getMessage());
        }
    }

    /** Reads and encodes a generated suite of that many rows; fails if a row is refused or an event cannot be written. */
    static SuiteReader.Result rehearse(int rows) throws IOException {
        Path file = Files.createTempFile("cares-import-rehearsal-", ".jsonl");
        try {
            GeneratedSuite.write(file, rows, "Rehearsal");
            SuiteReader.Result result = new SuiteReader().read(file, "import rehearsal", SuiteReader.Format.JSONL,
                    FieldMapping.IDENTITY, new SuiteSource("rehearsal", "local", "test", "rehearsal@v1"));
            if (result.errorCount() > 0) {
                throw new IllegalStateException("a generated row was refused: " + result.errors().get(0));
            }
            for (PromptEvent prompt : result.prompts()) {
                prompt.toByteBuffer();
            }
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }

}
