package io.caresstream.suites.reading;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.duckdb.DuckDBDriver;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the rows of a Parquet file with DuckDB's Parquet reader (an in-process engine in one jar, with no
 * Hadoop behind it), as JSON objects numbered from 1 in file order, so they are checked exactly like rows
 * from JSON Lines, CSV or the dataset viewer.
 */
final class ParquetRows {

    /** The file cannot be read as Parquet at all (not Parquet, truncated, or text that is not UTF-8). */
    static final class UnreadableParquetException extends Exception {
        UnreadableParquetException(String message) {
            super(message);
        }
    }

    private static final String ROW_NUMBER = "file_row_number";

    private ParquetRows() {
    }

    static List<SuiteReader.NumberedRow> read(Path file) throws UnreadableParquetException {
        Properties config = new Properties();
        // Never fetch extensions from the internet: the Parquet reader is built in.
        config.setProperty("autoinstall_known_extensions", "false");
        config.setProperty("autoload_known_extensions", "false");
        config.setProperty("threads", "2");
        try (Connection connection = new DuckDBDriver().connect("jdbc:duckdb:", config);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT * FROM read_parquet(?, file_row_number = true) ORDER BY " + ROW_NUMBER)) {
            query.setString(1, file.toAbsolutePath().toString());
            List<SuiteReader.NumberedRow> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                ResultSetMetaData columns = result.getMetaData();
                while (result.next()) {
                    rows.add(row(result, columns));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new UnreadableParquetException("not a readable Parquet file (" + firstLine(e.getMessage()) + ")");
        }
    }

    private static SuiteReader.NumberedRow row(ResultSet result, ResultSetMetaData columns) throws SQLException {
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        Map<String, String> problems = new LinkedHashMap<>();
        long number = 0;
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            String name = columns.getColumnName(i);
            Object value = result.getObject(i);
            if (value instanceof java.sql.Blob blob) {
                value = blob.getBytes(1, (int) blob.length());
            }
            if (name.equals(ROW_NUMBER)) {
                number = ((Number) value).longValue() + 1;
            } else if (value == null) {
                fields.putNull(name);
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                fields.put(name, ((Number) value).longValue());
            } else if (value instanceof BigInteger big) {
                fields.put(name, big);
            } else if (value instanceof BigDecimal decimal) {
                fields.put(name, decimal);
            } else if (value instanceof Double || value instanceof Float) {
                fields.put(name, ((Number) value).doubleValue());
            } else if (value instanceof Boolean flag) {
                fields.put(name, flag);
            } else if (value instanceof byte[] bytes) {
                // A binary column without a string annotation: text only if it is valid UTF-8.
                try {
                    fields.put(name, StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes)).toString());
                } catch (CharacterCodingException e) {
                    problems.put(name, "not valid UTF-8");
                }
            } else {
                fields.put(name, value.toString());
            }
        }
        return new SuiteReader.NumberedRow(number, fields, problems);
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message).trim();
    }
}
