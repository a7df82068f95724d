package io.caresstream.deploy.local;

import io.caresstream.deploy.testing.TestInfrastructure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The short answered-prompts benchmark: both of its measurements run through real invokers, with sizes small
 * enough for the test command and loose targets (the machine also runs the rest of the build); the full run and
 * its real targets are deploy/benchmarks/answered-benchmark.sh.
 */
class AnsweredBenchmarkTest {

    private static int run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--project-root";
        all[args.length + 1] = TestInfrastructure.projectRoot().toString();
        return new CommandLine(new AnsweredBenchmark()).execute(all);
    }

    @Test
    void anInvokerReadsItsAnswersAndAnswersNewPromptsWithinItsMemory() {
        assertEquals(0, run("--sizes", "1000,50000", "--prompts", "200", "--target-ratio", "1.5",
                "--work-dir", Path.of("target", "answered-short").toAbsolutePath().toString()));
    }

    @Test
    void anInvokerStartsWhateverTheOtherModelsOnTheLog() {
        assertEquals(0, run("--models", "1,3", "--answers-per-model", "2000", "--prompts", "50", "--target-growth", "3",
                "--work-dir", Path.of("target", "answered-models-short").toAbsolutePath().toString()));
    }
}
