package io.caresstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code cares} command line: the prompt-generator's REST API for people at a terminal. Results are
 * tables, refusals give the server's reason, and the exit code says whether it worked (0), was refused
 * or partly failed (1), or could not be asked (2).
 */
@Command(name = "cares", mixinStandardHelpOptions = true, version = "CARES Stream 1.0",
        description = "Import suites, generate adversarial rewrites, list suites and schedule recurring generation.",
        subcommands = {CaresCli.Suites.class, CaresCli.Import.class, CaresCli.ImportHub.class, CaresCli.Variants.class,
                CaresCli.Schedule.class, io.caresstream.cli.auth.AuthCommand.class})
public class CaresCli {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int UNREACHABLE = 2;

    @Option(names = "--url", description = "The prompt-generator (default: $CARES_PROMPT_GENERATOR_URL or ${DEFAULT-VALUE})",
            defaultValue = "${env:CARES_PROMPT_GENERATOR_URL:-http://127.0.0.1:8082}")
    String url;

    @Option(names = "--token-file", description = "A file holding the bearer token (default: $CARES_TOKEN_FILE; "
            + "$CARES_TOKEN, when set, is the token itself)", defaultValue = "${env:CARES_TOKEN_FILE}")
    Path tokenFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PromptGeneratorClient client() {
        return new PromptGeneratorClient(url, token(), spec.commandLine().getErr());
    }

    /** The token from $CARES_TOKEN or the token file; none when neither is set. */
    private String token() {
        String fromEnvironment = System.getenv("CARES_TOKEN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        if (tokenFile == null) {
            return null;
        }
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "cannot read the token file " + tokenFile + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; output and errors go to the given writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new CaresCli());
        line.setOut(out).setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cares: " + e.getMessage());
            return e instanceof PromptGeneratorClient.UnreachableException ? UNREACHABLE : REFUSED;
        });
        return line.execute(args);
    }

    /** Prints a refusal with the server's reason; returns the exit code. */
    static int refused(CaresCli cli, PromptGeneratorClient.Answer answer) {
        cli.err().println("cares: refused (HTTP " + answer.status() + "): " + answer.error());
        return REFUSED;
    }

    @Command(name = "suites", description = "List the suites on the prompt log with their counts.")
    static class Suites implements Callable<Integer> {
        @ParentCommand
        CaresCli cli;

        @Override
        public Integer call() {
            PromptGeneratorClient.Answer answer = cli.client().get("api/suites");
            if (!answer.ok()) {
                return refused(cli, answer);
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode suite : answer.body()) {
                JsonNode methods = suite.path("byMethod");
                JsonNode levels = suite.path("byHarmLevel");
                rows.add(List.of(suite.path("suite").asText(), suite.path("prompts").asText(),
                        count(methods, "direct"), count(methods, "indirect"), count(methods, "obfuscate"),
                        count(methods, "role_play"), count(levels, "HARMLESS"), count(levels, "MILDLY_HARMFUL"),
                        count(levels, "MODERATELY_HARMFUL"), count(levels, "HIGHLY_HARMFUL")));
            }
            if (rows.isEmpty()) {
                cli.out().println("No suites on the prompt log yet: `cares import FILE` or `cares import-hub` adds one.");
                return OK;
            }
            Tables.print(cli.out(), List.of("SUITE", "PROMPTS", "DIRECT", "INDIRECT", "OBFUSCATE", "ROLE_PLAY",
                    "HARM 0", "HARM 1", "HARM 2", "HARM 3"), rows);
            return OK;
        }

        private static String count(JsonNode counts, String key) {
            return String.valueOf(counts.path(key).asLong(0));
        }
    }

    /** What to keep of a suite, shared by both imports. */
    static class SelectionOptions {
        @Option(names = "--principles", split = ",", description = "Principle indexes 0..7 to keep")
        List<Integer> principles;
        @Option(names = "--harm-levels", split = ",", description = "Harm levels 0..3 to keep")
        List<Integer> harmLevels;
        @Option(names = "--methods", split = ",", description = "Methods to keep (direct, indirect, obfuscate, role_play)")
        List<String> methods;
        @Option(names = "--generators", split = ",", description = "Generation models to keep")
        List<String> generators;
        @Option(names = "--sample", description = "A stratified sample of N prompts")
        Integer sample;
        @Option(names = "--seed", description = "The sample's seed")
        Long seed;
        @Option(names = "--suite", description = "The suite's name (default dataset/split@revision)")
        String suite;
        @Option(names = "--publish-valid", description = "Publish the valid rows even if some are malformed (default: reject all)")
        boolean publishValid;
        @Option(names = "--mapping", description = "A JSON file mapping another benchmark's fields onto the CARES schema")
        Path mapping;

        void addTo(ObjectNode request) throws IOException {
            ObjectNode selection = request.putObject("selection");
            selection.set("principles", PromptGeneratorClient.JSON.valueToTree(principles));
            selection.set("harmLevels", PromptGeneratorClient.JSON.valueToTree(harmLevels));
            selection.set("methods", PromptGeneratorClient.JSON.valueToTree(methods));
            selection.set("generators", PromptGeneratorClient.JSON.valueToTree(generators));
            selection.set("sample", PromptGeneratorClient.JSON.valueToTree(sample));
            selection.set("seed", PromptGeneratorClient.JSON.valueToTree(seed));
            request.put("suite", suite);
            request.put("onError", publishValid ? "publish-valid" : "reject-all");
            if (mapping != null) {
                request.set("mapping", PromptGeneratorClient.JSON.readTree(Files.readString(mapping)));
            }
        }
    }

    /** Prints an import report; 0 when nothing was rejected. */
    static int report(CaresCli cli, PromptGeneratorClient.Answer answer) {
        if (answer.status() != 200 && answer.status() != 422) {
            return refused(cli, answer);
        }
        JsonNode r = answer.body();
        PrintWriter out = cli.out();
        out.println((answer.status() == 422 ? "Rejected, nothing published: " : "Imported ") + r.path("source").asText()
                + " as suite " + r.path("suite").asText());
        Tables.print(out, List.of("ROWS READ", "PUBLISHED", "REJECTED", "NOT SELECTED"), List.of(List.of(
                r.path("rowsRead").asText(), r.path("published").asText(), r.path("rejected").asText(),
                r.path("notSelected").asText())));
        JsonNode errors = r.path("errors");
        for (int i = 0; i < Math.min(20, errors.size()); i++) {
            out.println("  " + errors.get(i).asText());
        }
        long more = errors.size() - Math.min(20, errors.size()) + r.path("errorsNotListed").asLong(0);
        if (more > 0) {
            out.println("  ... and " + more + " more");
        }
        return errors.isEmpty() ? OK : REFUSED;
    }

    @Command(name = "import", description = "Import a JSONL, CSV or Parquet file in the CARES-18K schema (or mapped onto it).")
    static class Import implements Callable<Integer> {
        @ParentCommand
        CaresCli cli;
        @Parameters(index = "0", description = "The file, uploaded to the prompt-generator")
        Path file;
        @Option(names = "--format", description = "jsonl, csv or parquet (default: by extension)")
        String format;
        @Option(names = "--dataset", description = "The data set's name (default cares-sample)")
        String dataset;
        @Option(names = "--revision", description = "The data set's revision (default local)")
        String revision;
        @Option(names = "--split", description = "The split (default test)")
        String split;
        @CommandLine.Mixin
        SelectionOptions selection;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(file)) {
                cli.err().println("no such file: " + file);
                return REFUSED;
            }
            ObjectNode options = PromptGeneratorClient.JSON.createObjectNode()
                    .put("format", format).put("dataset", dataset).put("revision", revision).put("split", split);
            selection.addTo(options);
            return report(cli, cli.client().upload("api/suites/import", file, options));
        }
    }

    @Command(name = "import-hub", description = "Import a split from the Hugging Face hub (default: CARES-18K test at the pinned revision).")
    static class ImportHub implements Callable<Integer> {
        @ParentCommand
        CaresCli cli;
        @Option(names = "--dataset", description = "The data set on the hub (default HFXM/CARES-18K)")
        String dataset;
        @Option(names = "--revision", description = "A branch, tag or commit (default: the pinned one)")
        String revision;
        @Option(names = "--split", defaultValue = "test", description = "The split (default ${DEFAULT-VALUE})")
        String split;
        @Option(names = "--access", description = "files (the Parquet files, default) or viewer (the rows API)")
        String access;
        @CommandLine.Mixin
        SelectionOptions selection;

        @Override
        public Integer call() throws IOException {
            ObjectNode request = PromptGeneratorClient.JSON.createObjectNode().put("dataset", dataset)
                    .put("revision", revision).put("split", split).put("access", access);
            selection.addTo(request);
            return report(cli, cli.client().post("api/suites/import-hub", request));
        }
    }

    /** Prints a generation report; 0 when every base prompt got a rewrite or already had it. */
    static int variantsReport(CaresCli cli, JsonNode r) {
        cli.out().println(r.path("method").asText() + " rewrites of " + r.path("suite").asText() + " by "
                + r.path("generator").asText());
        Tables.print(cli.out(), List.of("BASE PROMPTS", "PUBLISHED", "DUPLICATES", "FAILED"), List.of(List.of(
                r.path("basePrompts").asText(), r.path("published").asText(), r.path("duplicates").asText(),
                r.path("failed").asText())));
        if (r.path("failed").asInt() > 0) {
            List<List<String>> reasons = new ArrayList<>();
            r.path("failuresByReason").fields().forEachRemaining(e -> reasons.add(List.of(e.getKey(), e.getValue().asText())));
            Tables.print(cli.out(), List.of("FAILED BECAUSE", "REWRITES"), reasons);
        }
        return r.path("failed").asInt() == 0 ? OK : REFUSED;
    }

    @Command(name = "variants", description = "Generate adversarial rewrites of a suite's base prompts and add them to it.")
    static class Variants implements Callable<Integer> {
        @ParentCommand
        CaresCli cli;
        @Parameters(index = "0", description = "The suite")
        String suite;
        @Option(names = "--method", defaultValue = "obfuscate", description = "indirect, obfuscate or role_play (default ${DEFAULT-VALUE})")
        String method;
        @Option(names = "--generator", description = "deterministic (obfuscate only, its default) or attacker")
        String generator;
        @Option(names = "--seed", defaultValue = "0", description = "Fixes the templates, words and sample (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--sample", description = "Rewrite a sample of N base prompts (default: all)")
        Integer sample;

        @Override
        public Integer call() {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("method", method);
            request.put("generator", generator);
            request.put("seed", seed);
            request.put("sample", sample);
            PromptGeneratorClient.Answer answer = cli.client().post("api/suites/" + Paths.segment(suite) + "/variants", request);
            return answer.ok() ? variantsReport(cli, answer.body()) : refused(cli, answer);
        }
    }

    @Command(name = "schedule", description = "Recurring generation of new rewrites.",
            subcommands = {Schedule.ListSchedules.class, Schedule.Add.class, Schedule.Remove.class, Schedule.Run.class})
    static class Schedule {
        @ParentCommand
        CaresCli cli;

        @Command(name = "list", description = "List the schedules and their next runs.")
        static class ListSchedules implements Callable<Integer> {
            @ParentCommand
            Schedule schedule;

            @Override
            public Integer call() {
                CaresCli cli = schedule.cli;
                PromptGeneratorClient.Answer answer = cli.client().get("api/schedules");
                if (!answer.ok()) {
                    return refused(cli, answer);
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode listed : answer.body()) {
                    JsonNode s = listed.path("schedule");
                    List<String> methods = new ArrayList<>();
                    s.path("methods").forEach(m -> methods.add(m.asText()));
                    rows.add(List.of(s.path("name").asText(), s.path("suite").asText(), s.path("cron").asText(),
                            String.join(",", methods), s.path("generator").asText(),
                            s.hasNonNull("sample") ? s.path("sample").asText() : "all",
                            listed.path("nextRun").asText("-"), listed.path("source").asText()));
                }
                if (rows.isEmpty()) {
                    cli.out().println("No schedules: `cares schedule add NAME --suite S --cron \"0 0 2 * * ?\"` adds one.");
                    return OK;
                }
                Tables.print(cli.out(), List.of("NAME", "SUITE", "CRON", "METHODS", "GENERATOR", "SAMPLE", "NEXT RUN", "FROM"), rows);
                return OK;
            }
        }

        @Command(name = "add", description = "Add or replace a schedule (kept across restarts).")
        static class Add implements Callable<Integer> {
            @ParentCommand
            Schedule schedule;
            @Parameters(index = "0", description = "The schedule's name")
            String name;
            @Option(names = "--suite", required = true, description = "The suite whose base prompts are rewritten")
            String suite;
            @Option(names = "--cron", required = true, description = "Quartz cron, e.g. \"0 0 2 * * ?\" for 02:00 every day")
            String cron;
            @Option(names = "--methods", split = ",", description = "indirect, obfuscate, role_play (default obfuscate)")
            List<String> methods;
            @Option(names = "--generator", description = "For obfuscate: deterministic (default) or attacker")
            String generator;
            @Option(names = "--sample", description = "Base prompts rewritten per run (default: all)")
            Integer sample;

            @Override
            public Integer call() {
                CaresCli cli = schedule.cli;
                Map<String, Object> request = new LinkedHashMap<>();
                request.put("suite", suite);
                request.put("cron", cron);
                request.put("methods", methods);
                request.put("generator", generator);
                request.put("sample", sample);
                PromptGeneratorClient.Answer answer = cli.client().put("api/schedules/" + Paths.segment(name), request);
                if (!answer.ok()) {
                    return refused(cli, answer);
                }
                cli.out().println("Scheduled " + name + "; next run " + answer.body().path("nextRun").asText("-"));
                return OK;
            }
        }

        @Command(name = "remove", description = "Remove a schedule added at run time.")
        static class Remove implements Callable<Integer> {
            @ParentCommand
            Schedule schedule;
            @Parameters(index = "0")
            String name;

            @Override
            public Integer call() {
                PromptGeneratorClient.Answer answer = schedule.cli.client().delete("api/schedules/" + Paths.segment(name));
                if (!answer.ok()) {
                    return refused(schedule.cli, answer);
                }
                schedule.cli.out().println("Removed " + name);
                return OK;
            }
        }

        @Command(name = "run", description = "Run a schedule now, as on the given day (default today).")
        static class Run implements Callable<Integer> {
            @ParentCommand
            Schedule schedule;
            @Parameters(index = "0")
            String name;
            @Option(names = "--day", description = "An ISO date; it is the seed")
            String day;

            @Override
            public Integer call() {
                CaresCli cli = schedule.cli;
                PromptGeneratorClient.Answer answer = cli.client().post("api/schedules/" + Paths.segment(name) + "/run"
                        + (day == null ? "" : "?day=" + Paths.segment(day)), Map.of());
                if (!answer.ok()) {
                    return refused(cli, answer);
                }
                int code = OK;
                for (JsonNode report : answer.body()) {
                    code = Math.max(code, variantsReport(cli, report));
                }
                return code;
            }
        }
    }

    /** URL path segments from names that may hold '/' or '@' (suites do). */
    static final class Paths {
        private Paths() {
        }

        static String segment(String value) {
            return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
