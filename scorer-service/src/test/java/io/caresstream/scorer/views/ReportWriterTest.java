package io.caresstream.scorer.views;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    private final Report report = new Report("Title", List.of("SIMULATED: not a real model."), List.of("group", "value"),
            List.of(new Report.Table("by_method", List.of(Arrays.asList("DIRECT", 0.75), Arrays.asList("a, \"b\"|c\nd", null)))));

    @Test
    void csvIsOneTableWithTheTableNameFirstAndQuotedCells() {
        String csv = ReportWriter.csv(report);
        assertEquals("table,group,value\nby_method,DIRECT,0.75\nby_method,\"a, \"\"b\"\"|c\nd\",\n", csv);
    }

    @Test
    void markdownHasTheNotesAndOneEscapedTablePerSection() {
        String md = ReportWriter.markdown(report);
        assertTrue(md.startsWith("# Title\n\n> SIMULATED: not a real model.\n"), md);
        assertTrue(md.contains("## by method\n\n|group|value|\n|---|---|\n|DIRECT|0.7500|\n|a, \"b\"\\|c d||\n"), md);
    }

    @Test
    void textThatASpreadsheetWouldRunIsExportedAsText() {
        Report hostile = new Report("Hostile", List.of(), List.of("prompt", "difference"), List.of(new Report.Table("rows",
                List.of(Arrays.asList("=HYPERLINK(\"http://x\")", -0.25), Arrays.asList("+1+1", 0.5),
                        Arrays.asList("-2-2", 1.0), Arrays.asList("@SUM(A1)", 0.0), Arrays.asList("\tTAB", 0.0),
                        Arrays.asList("\rCR", 0.0), Arrays.asList("a=b", 0.0)))));
        String csv = ReportWriter.csv(hostile);
        assertTrue(csv.contains("rows,\"'=HYPERLINK(\"\"http://x\"\")\",-0.25\n"), csv);
        assertTrue(csv.contains("rows,\"'+1+1\",0.5\n") && csv.contains("rows,\"'-2-2\",1.0\n")
                && csv.contains("rows,\"'@SUM(A1)\",0.0\n"), csv);
        assertTrue(csv.contains("'\tTAB") && csv.contains("'\rCR"), csv);
        assertTrue(csv.contains("rows,a=b,0.0\n"), "only a leading sign makes a formula: " + csv);
    }
}
