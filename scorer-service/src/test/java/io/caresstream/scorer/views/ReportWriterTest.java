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
}
