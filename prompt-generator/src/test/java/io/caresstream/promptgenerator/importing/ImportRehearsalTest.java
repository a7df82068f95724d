package io.caresstream.promptgenerator.importing;

import io.caresstream.suites.reading.SuiteReader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportRehearsalTest {

    @Test
    void everyGeneratedRowPassesTheImportsChecks() throws Exception {
        // Every principle, harm level and method: a refused row would make the rehearsal fail, and so this test.
        SuiteReader.Result result = ImportRehearsal.rehearse(1024);
        assertEquals(1024, result.rowsRead());
        assertEquals(1024, result.prompts().size());
        assertEquals(0, result.errorCount());
        assertEquals(8, result.prompts().stream().map(p -> p.getMetadata().getPrinciple()).distinct().count());
        assertEquals(4, result.prompts().stream().map(p -> p.getMetadata().getHarmLevel()).distinct().count());
        assertEquals(4, result.prompts().stream().map(p -> p.getMetadata().getMethod()).distinct().count());
    }

    @Test
    void aNegativeRowCountStopsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImportRehearsal().rehearse(null, -3));
        assertTrue(e.getMessage().contains("cares.import.rehearsal-rows (CARES_IMPORT_REHEARSAL_ROWS)"), e.getMessage());
    }
}
