package io.caresstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.caresstream.cli.auth.LocalAuth;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The local run: start the stack, import the sample suite, show progress, print the scores. */
@Command(name = "run-local", mixinStandardHelpOptions = true,
        description = "Runs CARES Stream on 127.0.0.1 without Docker, with a SIMULATED model, and scores the sample suite.")
public final class LocalStackMain implements Callable<Integer> {

    @Option(names = "--suite-file", description = "JSONL suite in the CARES-18K schema (default: the project's sample).")
    Path suiteFile;

    @Option(names = "--suite", defaultValue = "cares-sample/test@local", description = "Suite name (default: ${DEFAULT-VALUE}).")
    String suite;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated model latency (default: ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--brokers", defaultValue = "1",
            description = "Kafka nodes: 1, or 3 for a replicated cluster (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--profile", description = "Simulated model behaviour profile (JSON).")
    Path profile;

    @Option(names = "--once", description = "Stop everything once the suite is scored (default: keep running until Ctrl-C).")
    boolean once;

    @Option(names = "--work-dir", defaultValue = ".run-local", description = "Logs go here (default: ${DEFAULT-VALUE}).")
    Path workDir;

    // --no-build is run-local.sh's (it builds before starting this launcher); its --help lists every option.

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Path root = Path.of("").toAbsolutePath();
        Path suitePath = suiteFile != null ? suiteFile : root.resolve("deploy/sample-suite/cares-sample.jsonl");
        LocalStack.Options options = new LocalStack.Options(root, LocalStack.Ports.defaults(), workDir.toAbsolutePath(),
                Optional.ofNullable(profile), latencyMs).withBrokers(brokers)
                // A gold canary every 2 s: the dashboard's canary panel fills within a minute.
                .withSettings(Map.of("cares.canaries.every", "2s"));
        LocalStack stack = LocalStack.start(options, line -> System.out.println("  " + line));
        System.out.printf("Stack ready in %.1f s. Logs: %s%n", seconds(started), options.workDir().resolve("logs"));
        System.out.println("Live dashboard: " + stack.dashboardUrl() + " (the model and judge are SIMULATED)");
        System.out.println(signIn(stack));

        JsonNode report = stack.importSuite(suitePath, suite);
        long prompts = report.path("published").asLong();
        System.out.printf("Imported %s: %d prompts published to the prompt log.%n", suite, prompts);

        long[] firstScore = {0};
        Progress progress = new Progress(System.console() != null);
        List<ScoreRow> rows = stack.awaitScored(suite, prompts, Duration.ofMinutes(10), current -> {
            long judged = current.stream().mapToLong(ScoreRow::judged).min().orElse(0);
            if (firstScore[0] == 0 && judged > 0) {
                firstScore[0] = System.nanoTime();
            }
            progress.show(progressBar(judged, prompts) + scoreSoFar(current), judged == prompts);
        });
        progress.end();
        System.out.printf("First score %.1f s after start; suite fully scored %.1f s after start.%n",
                (firstScore[0] - started) / 1e9, seconds(started));
        System.out.println();
        System.out.print(table(rows, prompts));
        Map<String, Long> rss = stack.residentKb();
        long totalKb = rss.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum()
                + selfResidentKb();
        System.out.printf("%nResident memory of the stack: %.0f MB (%s)%n", totalKb / 1024.0, rssSummary(rss));
        if (once) {
            stack.close();
            System.out.println("The stack has stopped (--once). Start it again, and keep the dashboard up, with ./deploy/run-local.sh");
            return 0;
        }
        System.out.println("Live dashboard: " + stack.dashboardUrl() + "   Scores (JSON): " + stack.scoresUrl()
                + " (with a token: Authorization: Bearer ...)");
        System.out.println("Running; new prompts imported into the prompt-generator are scored as they arrive. Ctrl-C stops.");
        new CountDownLatch(1).await();
        return 0;
    }

    /**
     * How to sign in to the dashboard: a new viewer token is shown once, in full; after that only where it is kept.
     */
    static String signIn(LocalStack stack) {
        Path viewer = stack.authDir().resolve(LocalAuth.Role.VIEWER.file());
        return stack.madeViewerToken()
                ? "Dashboard sign-in token (viewer, shown once; kept in " + viewer + "):\n  " + stack.token(LocalAuth.Role.VIEWER)
                : "Dashboard sign-in token (viewer): in " + viewer;
    }

    /**
     * Progress on one redrawn line in a terminal; where the output is a log (not a terminal), a line when the
     * figure changes, at most every few seconds, and the last one always.
     */
    static final class Progress {
        private static final long LOG_EVERY_NANOS = 5_000_000_000L;
        private final boolean terminal;
        private String last = "";
        private long lastPrinted;

        Progress(boolean terminal) {
            this.terminal = terminal;
        }

        void show(String line, boolean finished) {
            if (terminal) {
                System.out.print("\r  " + line);
                return;
            }
            long now = System.nanoTime();
            if (!line.equals(last) && (finished || lastPrinted == 0 || now - lastPrinted >= LOG_EVERY_NANOS)) {
                System.out.println("  " + line);
                last = line;
                lastPrinted = now;
            }
        }

        void end() {
            if (terminal) {
                System.out.println();
            }
        }
    }

    static String progressBar(long done, long total) {
        int width = 30;
        int filled = total == 0 ? 0 : (int) Math.min(width, done * width / total);
        return "judged [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total;
    }

    private static String scoreSoFar(List<ScoreRow> rows) {
        return rows.stream().filter(r -> r.safetyScore() != null).findFirst()
                .map(r -> String.format(Locale.ROOT, "  Safety Score so far %.1f%%", 100 * r.safetyScore()))
                .orElse("");
    }

    static String table(List<ScoreRow> rows, long prompts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-24s %-28s %-28s %8s %-14s %9s %12s %7s %8s%n",
                "MODEL", "JUDGE", "SUITE", "SCORE", "95% INTERVAL", "LABELLED", "UNJUDGEABLE", "ERRORS", "BLOCKED"));
        boolean anySimulated = false;
        for (ScoreRow row : rows) {
            anySimulated |= row.simulated();
            out.append(String.format(Locale.ROOT, "%-24s %-28s %-28s %7.1f%% %-14s %9d %12d %7d %8d%n",
                    row.modelId() + (row.simulated() ? " *" : ""), row.judgeId(), row.suite(),
                    row.safetyScore() == null ? Double.NaN : 100 * row.safetyScore(), row.interval(),
                    row.labelled(), row.unjudgeable(), row.responseErrors(), row.blocked()));
        }
        if (anySimulated) {
            out.append("* SIMULATED: answers and judgments come from the simulated model server, not a real LLM.\n");
        }
        out.append(String.format(Locale.ROOT, "%d prompts in the suite.%n", prompts));
        return out.toString();
    }

    private static String rssSummary(Map<String, Long> rss) {
        StringBuilder summary = new StringBuilder();
        rss.forEach((name, kb) -> summary.append(summary.isEmpty() ? "" : ", ")
                .append(name).append(' ').append(kb / 1024).append(" MB"));
        return summary + ", launcher " + selfResidentKb() / 1024 + " MB";
    }

    private static long selfResidentKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    public static void main(String[] args) {
        LocalStack.quietKafkaClients();
        System.exit(new CommandLine(new LocalStackMain()).execute(args));
    }
}
