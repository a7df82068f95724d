package io.caresstream.promptgenerator.cli;

import io.caresstream.cli.CaresCli;
import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.deploy.testing.TestTokens;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The `cares` command line against a running prompt-generator on a real broker and registry. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class CaresCliTest {

    @TestHTTPResource("/")
    URL url;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run cares(String... args) {
        return caresAs(LocalAuth.Role.OPERATOR, args);
    }

    /** The command line with the token file of a role, as a local run configures it. */
    private Run caresAs(LocalAuth.Role role, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        all[0] = "--url";
        all[1] = url.toString();
        all[2] = "--token-file";
        all[3] = TestTokens.file(role).toString();
        System.arraycopy(args, 0, all, 4, args.length);
        int code = CaresCli.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private Run awaitSuite(String suite, String count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Run suites = cares("suites");
        while (!suites.out().lines().anyMatch(l -> l.startsWith(suite + " ") && l.contains(" " + count + " "))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            suites = cares("suites");
        }
        return suites;
    }

    @Test
    void importListGenerateAndScheduleFromTheCommandLine() throws Exception {
        String sample = TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl").toString();
        Run imported = cares("import", sample, "--suite", "cli/suite@v1", "--harm-levels", "0,3");
        assertEquals(0, imported.code(), imported.err());
        // Uploaded: the report names the file as the user named it.
        assertTrue(imported.out().contains("Imported cares-sample.jsonl as suite cli/suite@v1"), imported.out());
        assertTrue(imported.out().lines().anyMatch(l -> l.matches("\\s*64\\s+32\\s+0\\s+32")), imported.out());

        Run suites = awaitSuite("cli/suite@v1", "32");
        assertTrue(suites.out().startsWith("SUITE"), suites.out());
        assertTrue(suites.out().lines().anyMatch(l -> l.matches("cli/suite@v1\\s+32\\s+8\\s+8\\s+8\\s+8\\s+16\\s+0\\s+0\\s+16")),
                suites.out());

        Run variants = cares("variants", "cli/suite@v1", "--method", "obfuscate", "--seed", "4");
        assertEquals(0, variants.code(), variants.err() + variants.out());
        assertTrue(variants.out().startsWith("obfuscate rewrites of cli/suite@v1 by deterministic"), variants.out());
        assertTrue(variants.out().lines().anyMatch(l -> l.matches("\\s*8\\s+8\\s+0\\s+0")), variants.out());

        Run added = cares("schedule", "add", "cli-nightly", "--suite", "cli/suite@v1", "--cron", "0 30 3 * * ?",
                "--sample", "2");
        assertEquals(0, added.code(), added.err());
        Run listed = cares("schedule", "list");
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith("cli-nightly") && l.contains("0 30 3 * * ?")
                && l.contains("added")), listed.out());
        assertEquals(0, cares("schedule", "remove", "cli-nightly").code());
    }

    @Test
    void refusalsAndBadInputGiveTheReasonAndAFailingExitCode() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        List<String> lines = Files.readAllLines(TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl"));
        Files.write(bad, List.of(lines.get(0), lines.get(1).replace("\"method\": \"indirect\"", "\"method\": \"hypnosis\"")));
        Run rejected = cares("import", bad.toString(), "--suite", "cli-bad");
        assertEquals(1, rejected.code());
        assertTrue(rejected.out().startsWith("Rejected, nothing published"), rejected.out());
        assertTrue(rejected.out().contains("bad.jsonl:2: field 'method': unknown method 'hypnosis'"), rejected.out());
        Run missing = cares("import", dir.resolve("absent.jsonl").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Run noSuite = cares("variants", "no/such@suite");
        assertEquals(1, noSuite.code());
        assertTrue(noSuite.err().contains("no suite 'no/such@suite'"), noSuite.err());

        Run badCron = cares("schedule", "add", "x", "--suite", "s", "--cron", "sometimes");
        assertEquals(1, badCron.code());
        assertTrue(badCron.err().contains("cron"), badCron.err());

        // A viewer may list suites but not import; a token the service does not trust is refused with what to do.
        assertEquals(0, caresAs(LocalAuth.Role.VIEWER, "suites").code());
        Run forbidden = caresAs(LocalAuth.Role.VIEWER, "schedule", "remove", "nothing");
        assertEquals(1, forbidden.code());
        assertTrue(forbidden.err().contains("operator role"), forbidden.err());
        // So is an upload, however large: the server answers before the body (Expect: 100-continue).
        Path large = dir.resolve("large.jsonl");
        Files.write(large, java.util.Collections.nCopies(1_000, lines.get(0)));
        Run notAllowed = caresAs(LocalAuth.Role.VIEWER, "import", large.toString(), "--suite", "cli-large");
        assertEquals(1, notAllowed.code());
        assertTrue(notAllowed.err().contains("operator role"), notAllowed.err());
        // The operator's is sent once the server has said to go on.
        Run accepted = cares("import", large.toString(), "--suite", "cli-large");
        assertEquals(0, accepted.code(), accepted.err());
        assertTrue(accepted.out().contains("Imported large.jsonl as suite cli-large"), accepted.out());
        StringWriter refusedErr = new StringWriter();
        int refusedCode = CaresCli.run(new String[]{"--url", url.toString(), "suites"}, new PrintWriter(new StringWriter()),
                new PrintWriter(refusedErr, true));
        assertEquals(1, refusedCode);
        assertTrue(refusedErr.toString().contains("no token was sent; set CARES_TOKEN or CARES_TOKEN_FILE"),
                refusedErr.toString());

        StringWriter err = new StringWriter();
        int code = CaresCli.run(new String[]{"--url", "http://127.0.0.1:9", "suites"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().contains("cannot reach the prompt-generator at http://127.0.0.1:9"), err.toString());
    }
}
