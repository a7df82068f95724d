package io.caresstream.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Plain-text tables: a header, a rule, and the rows, each column as wide as its widest cell; numbers right-aligned. */
final class Tables {

    private Tables() {
    }

    static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], cell(row, i).length());
            }
        }
        line(out, header, widths, false);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        out.println(rule);
        rows.forEach(row -> line(out, row, widths, true));
        out.flush();
    }

    private static void line(PrintWriter out, List<String> row, int[] widths, boolean alignNumbers) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cell(row, i);
            boolean right = alignNumbers && cell.matches("-?[0-9][0-9,.%]*");
            String pad = " ".repeat(widths[i] - cell.length());
            text.append(i == 0 ? "" : "  ").append(right ? pad + cell : cell + (i == widths.length - 1 ? "" : pad));
        }
        out.println(text.toString().stripTrailing());
    }

    private static String cell(List<String> row, int i) {
        return i < row.size() && row.get(i) != null ? row.get(i) : "";
    }
}
