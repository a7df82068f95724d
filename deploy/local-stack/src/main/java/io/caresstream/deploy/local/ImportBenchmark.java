package io.caresstream.deploy.local;

import io.caresstream.suites.generated.GeneratedSuite;
import io.caresstream.suites.reading.ParquetFiles;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Benchmark: import a project-made suite of CARES-18K's size (18,478 rows) through the prompt-generator
 * into the prompt topic, on the real broker and registry. Prints rows per second and the ratio to the
 * target (under 20 s).
 */
@Command(name = "import-benchmark", mixinStandardHelpOptions = true,
        description = "Times the import of a CARES-sized suite into the prompt topic.")
public final class ImportBenchmark implements Callable<Integer> {


    @Option(names = "--rows", defaultValue = "18478", description = "Rows in the generated suite (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--format", defaultValue = "jsonl", description = "jsonl or parquet (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--target-seconds", defaultValue = "20", description = "Target (default: ${DEFAULT-VALUE} s).")
    double targetSeconds;

    @Option(names = "--work-dir", defaultValue = "target/import-benchmark", description = "Logs and the generated file.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path dir = workDir.toAbsolutePath();
        Path suite = Throughput.generatedSuite(dir, rows);
        if (format.equalsIgnoreCase("parquet")) {
            suite = ParquetFiles.fromJsonLines(suite);
        } else if (!format.equalsIgnoreCase("jsonl")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--format must be jsonl or parquet");
        }
        System.out.printf("Generated %s: %,d rows, %.1f MB%n", suite, rows, Files.size(suite) / 1e6);

        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.free(), dir, Optional.empty(), 0,
                List.of("prompt-generator"));
        try (LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            // A warm-up import, so the figure is the steady state rather than the first schema registration.
            stack.importSuite(root.resolve("deploy/sample-suite/cares-sample.jsonl"), "benchmark-warm-up");
            long started = System.nanoTime();
            JsonNode report = stack.importSuite(suite, "benchmark-" + rows);
            double seconds = (System.nanoTime() - started) / 1e9;
            long published = report.path("published").asLong();
            if (published != rows) {
                throw new IllegalStateException("published " + published + " of " + rows + " rows: " + report);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-34s %12s%n", "import into cares.prompts", format.toUpperCase(Locale.ROOT));
            System.out.printf(Locale.ROOT, "%-34s %,12d%n", "rows published (acknowledged)", published);
            System.out.printf(Locale.ROOT, "%-34s %12.2f s%n", "wall time (read, check, publish)", seconds);
            System.out.printf(Locale.ROOT, "%-34s %,12.0f%n", "rows per second", published / seconds);
            System.out.printf(Locale.ROOT, "%-34s %12.2f s%n", "target", targetSeconds);
            System.out.printf(Locale.ROOT, "%-34s %12.2f (>= 1 meets the target)%n", "ratio target / measured",
                    targetSeconds / seconds);
            return seconds <= targetSeconds ? 0 : 1;
        }
    }

    /** Rows in the CARES-18K schema, spread evenly over principles, harm levels, methods and generators. */
    static void writeSuite(Path file, int rows) throws Exception {
        GeneratedSuite.write(file, rows, "Benchmark");
    }
}
