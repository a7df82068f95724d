package io.caresstream.promptgenerator.variants;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.Trigger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recurring generation, so every model plugged in keeps meeting prompts it has not seen. Schedules come
 * from configuration (cares.variants.schedule.*, "off" by default) or are added at run time through the
 * REST API or the command line; those are kept in a file (cares.variants.schedule.store) and come back
 * after a restart.
 */
@ApplicationScoped
public class ScheduledGeneration {

    /** A schedule and when it runs next (null when the scheduler is not running it). */
    public record Listed(GenerationSchedule schedule, String source, String nextRun) {
    }

    static final String CONFIGURED = "configured";
    private static final Logger LOG = Logger.getLogger(ScheduledGeneration.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VariantGenerator generator;
    private final Scheduler scheduler;
    private final List<String> configuredSuites;
    private final List<String> configuredMethods;
    private final Optional<Integer> configuredSample;
    private final String configuredCron;
    private final java.time.Duration minInterval;
    private final Path store;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, GenerationSchedule> added = new TreeMap<>();

    public ScheduledGeneration(VariantGenerator generator, Scheduler scheduler,
                               @ConfigProperty(name = "cares.variants.schedule.cron") String configuredCron,
                               @ConfigProperty(name = "cares.variants.schedule.min-interval", defaultValue = "PT1H")
                               java.time.Duration minInterval,
                               @ConfigProperty(name = "cares.variants.schedule.suites") Optional<List<String>> suites,
                               @ConfigProperty(name = "cares.variants.schedule.methods", defaultValue = "obfuscate") List<String> methods,
                               @ConfigProperty(name = "cares.variants.schedule.sample") Optional<Integer> sample,
                               @ConfigProperty(name = "cares.variants.schedule.store") Path store) {
        this.generator = generator;
        this.scheduler = scheduler;
        this.configuredCron = configuredCron;
        this.minInterval = minInterval;
        this.configuredSuites = suites.orElse(List.of());
        this.configuredMethods = methods;
        this.configuredSample = sample;
        this.store = store;
        methods.forEach(GenerationSchedule::method);
    }

    @Scheduled(identity = "variant-generation", cron = "${cares.variants.schedule.cron:off}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        runFor(LocalDate.now(clock));
    }

    /** Schedules added at run time come back after a restart. */
    void restore(@Observes StartupEvent start) {
        if (!Files.exists(store)) {
            return;
        }
        try {
            List<GenerationSchedule> saved = JSON.readValue(store.toFile(), new TypeReference<>() { });
            saved.forEach(this::register);
            LOG.infof("restored %d generation schedule(s) from %s", saved.size(), store);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the generation schedules in " + store + ": " + e.getMessage(), e);
        }
    }

    /** The configured schedule, as it would run on the given day; a suite that fails does not stop the others. */
    public List<VariantGenerator.Report> runFor(LocalDate day) {
        List<VariantGenerator.Report> reports = new ArrayList<>();
        for (String suite : configuredSuites) {
            reports.addAll(run(new GenerationSchedule(CONFIGURED, suite, configuredCron, configuredMethods, null,
                    configuredSample.orElse(null)), day));
        }
        return reports;
    }

    /** One run of a schedule on the given day: every method, each failing on its own. */
    public List<VariantGenerator.Report> run(GenerationSchedule schedule, LocalDate day) {
        List<VariantGenerator.Report> reports = new ArrayList<>();
        for (String code : schedule.methods()) {
            var method = GenerationSchedule.method(code);
            try {
                VariantGenerator.Report report = generator.generate(schedule.suite(), method,
                        GenerationSchedule.generator(method, schedule.generator()), day.toEpochDay(),
                        Optional.ofNullable(schedule.sample()));
                LOG.infof("schedule %s, %s rewrites of %s on %s: %d published, %d duplicates, %d failed %s",
                        schedule.name(), code, schedule.suite(), day, report.published(), report.duplicates(),
                        report.failed(), report.failuresByReason());
                reports.add(report);
            } catch (RuntimeException e) {
                LOG.errorf("schedule %s, %s rewrites of %s on %s failed: %s", schedule.name(), code, schedule.suite(),
                        day, e.getMessage());
            }
        }
        return reports;
    }

    public synchronized List<Listed> list() {
        List<Listed> listed = new ArrayList<>();
        configuredSuites.forEach(suite -> listed.add(new Listed(new GenerationSchedule(CONFIGURED, suite, configuredCron,
                configuredMethods, null, configuredSample.orElse(null)), "configuration", next("variant-generation"))));
        added.values().forEach(s -> listed.add(new Listed(s, "added", next(jobId(s.name())))));
        return listed;
    }

    public synchronized Optional<GenerationSchedule> find(String name) {
        return Optional.ofNullable(added.get(name));
    }

    /** Adds or replaces a schedule and keeps it in the store; a bad cron is refused with the reason. */
    public synchronized Listed put(GenerationSchedule schedule) {
        if (schedule.name().equals(CONFIGURED)) {
            throw new IllegalArgumentException("'" + CONFIGURED + "' names the schedule from configuration");
        }
        register(schedule);
        save();
        return new Listed(schedule, "added", next(jobId(schedule.name())));
    }

    public synchronized boolean remove(String name) {
        if (added.remove(name) == null) {
            return false;
        }
        scheduler.unscheduleJob(jobId(name));
        save();
        return true;
    }

    /**
     * Refuses a cron that fires more often than the minimum interval (cares.variants.schedule.min-interval,
     * default an hour) anywhere in its next firings: each run spends money on the attacker model.
     */
    void requireMinimumInterval(String cron) {
        com.cronutils.model.Cron parsed;
        try {
            parsed = new com.cronutils.parser.CronParser(com.cronutils.model.definition.CronDefinitionBuilder
                    .instanceDefinitionFor(com.cronutils.model.CronType.QUARTZ)).parse(cron);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + cron + "' is not valid: " + e.getMessage(), e);
        }
        com.cronutils.model.time.ExecutionTime times = com.cronutils.model.time.ExecutionTime.forCron(parsed);
        java.time.ZonedDateTime at = java.time.ZonedDateTime.now(clock);
        for (int firing = 0; firing < 50; firing++) {
            Optional<java.time.ZonedDateTime> next = times.nextExecution(at);
            if (next.isEmpty()) {
                return;
            }
            Optional<java.time.ZonedDateTime> after = times.nextExecution(next.get());
            if (after.isPresent() && java.time.Duration.between(next.get(), after.get()).compareTo(minInterval) < 0) {
                throw new IllegalArgumentException("cron '" + cron + "' fires every "
                        + java.time.Duration.between(next.get(), after.get()).toSeconds() + " s; schedules may fire at"
                        + " most once per " + minInterval.toMinutes() + " min (cares.variants.schedule.min-interval),"
                        + " since every run calls the attacker model");
            }
            at = next.get();
        }
    }

    private void register(GenerationSchedule schedule) {
        requireMinimumInterval(schedule.cron());
        String id = jobId(schedule.name());
        Trigger previous = scheduler.getScheduledJob(id);
        if (previous != null) {
            scheduler.unscheduleJob(id);
        }
        try {
            scheduler.newJob(id).setCron(schedule.cron())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> run(schedule, LocalDate.now(clock)))
                    .schedule();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cron '" + schedule.cron() + "' is not valid: " + e.getMessage(), e);
        }
        added.put(schedule.name(), schedule);
    }

    private void save() {
        try {
            Files.createDirectories(store.toAbsolutePath().getParent());
            Path next = store.resolveSibling(store.getFileName() + ".new");
            JSON.writerWithDefaultPrettyPrinter().writeValue(next.toFile(), List.copyOf(added.values()));
            // Written aside and moved, so a crash never leaves half a file.
            Files.move(next, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the generation schedules to " + store, e);
        }
    }

    private String next(String jobId) {
        Trigger trigger = scheduler.getScheduledJob(jobId);
        return trigger == null || trigger.getNextFireTime() == null ? null : trigger.getNextFireTime().toString();
    }

    private static String jobId(String name) {
        return "variant-schedule-" + name;
    }
}
