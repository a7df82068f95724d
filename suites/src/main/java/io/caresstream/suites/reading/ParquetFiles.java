package io.caresstream.suites.reading;

import com.fasterxml.jackson.databind.JsonNode;
import org.duckdb.DuckDBDriver;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * Writes Parquet files in the CARES-18K schema (the hub's column types: int64 codes, UTF-8 strings) from
 * rows the project makes, so that Parquet imports are tested and benchmarked on real Parquet files.
 */
public final class ParquetFiles {

    private ParquetFiles() {
    }

    public static void write(Path file, List<JsonNode> rows) throws SQLException {
        write(file, rows, false);
    }

    /** With binaryPrompt, the prompt column is raw bytes (no string annotation), as some writers store text. */
    public static void write(Path file, List<JsonNode> rows, boolean binaryPrompt) throws SQLException {
        try (Connection db = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
             Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TABLE suite (principle_index BIGINT, generation_model VARCHAR, harmful_level BIGINT, "
                    + "method VARCHAR, base_prompt VARCHAR, prompt " + (binaryPrompt ? "BLOB" : "VARCHAR") + ")");
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO suite (principle_index, generation_model, harmful_level, method, base_prompt, prompt) "
                            + "VALUES (?, ?, ?, ?, ?, ?)")) {
                for (JsonNode row : rows) {
                    insert.setObject(1, code(row, "principle_index"));
                    insert.setObject(2, text(row, "generation_model"));
                    insert.setObject(3, code(row, "harmful_level"));
                    insert.setObject(4, text(row, "method"));
                    insert.setObject(5, text(row, "base_prompt"));
                    if (binaryPrompt) {
                        insert.setBytes(6, row.path("prompt_bytes").isBinary() ? row.path("prompt_bytes").binaryValue()
                                : text(row, "prompt").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        insert.setObject(6, text(row, "prompt"));
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            } catch (java.io.IOException e) {
                throw new SQLException(e);
            }
            ddl.execute("COPY suite TO '" + quoted(file) + "' (FORMAT parquet)");
        }
    }

    /** The rows of a JSONL suite as Parquet beside it (same name, .parquet), with the hub's column types. */
    public static Path fromJsonLines(Path jsonl) throws SQLException {
        Path parquet = jsonl.resolveSibling(jsonl.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".parquet");
        try (Connection db = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
             Statement copy = db.createStatement()) {
            // DuckDB reads JSON integers as BIGINT and text as VARCHAR: the hub's types.
            copy.execute("COPY (SELECT * FROM read_json('" + quoted(jsonl) + "', format = 'newline_delimited')) TO '"
                    + quoted(parquet) + "' (FORMAT parquet)");
        }
        return parquet;
    }

    private static String quoted(Path file) {
        return file.toAbsolutePath().toString().replace("'", "''");
    }

    private static Long code(JsonNode row, String field) {
        return row.hasNonNull(field) ? row.get(field).asLong() : null;
    }

    private static String text(JsonNode row, String field) {
        return row.hasNonNull(field) ? row.get(field).asText() : null;
    }
}
