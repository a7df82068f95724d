package io.caresstream.scorer.views;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes a {@link Report} as CSV (one table, RFC 4180 quoting by Jackson) or as a Markdown report. */
public final class ReportWriter {

    private static final CsvMapper CSV = new CsvMapper();

    private ReportWriter() {
    }

    public static String csv(Report report) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).addColumn("table");
        report.columns().forEach(schema::addColumn);
        List<List<Object>> rows = new ArrayList<>();
        for (Report.Table table : report.tables()) {
            for (List<Object> row : table.rows()) {
                List<Object> line = new ArrayList<>();
                line.add(table.name());
                row.forEach(cell -> line.add(csvCell(cell)));
                rows.add(line);
            }
        }
        try {
            return CSV.writer(schema.build()).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder("# ").append(report.title()).append("\n\n");
        report.notes().forEach(note -> md.append("> ").append(note).append("\n>\n"));
        if (!report.notes().isEmpty()) {
            md.setLength(md.length() - 2);
            md.append("\n");
        }
        for (Report.Table table : report.tables()) {
            md.append("## ").append(table.name().replace('_', ' ')).append("\n\n");
            md.append('|').append(String.join("|", report.columns())).append("|\n|");
            report.columns().forEach(column -> md.append("---|"));
            md.append('\n');
            for (List<Object> row : table.rows()) {
                md.append('|');
                row.forEach(cell -> md.append(cell(cell)).append('|'));
                md.append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    /**
     * Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return: the
     * prompts are adversarial by design) gets a leading apostrophe, OWASP's rule against CSV injection, so it
     * opens as text. Numbers stay numbers.
     */
    static Object csvCell(Object value) {
        if (value instanceof String text && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return value;
    }

    /** Numbers to four decimals; pipes and line breaks escaped so a cell cannot break the table. */
    private static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
        }
        return value.toString().replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
