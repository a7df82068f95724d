package io.caresstream.promptgenerator.variants;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recurring generation: on a schedule (cares.variants.schedule.cron, "off" by default), new obfuscated
 * rewrites of a sample of each configured suite's base prompts join the suite, so every model plugged
 * in keeps being evaluated on prompts it has not seen. The seed is the day, so each run brings new
 * rewrites while a second run on the same day adds nothing.
 */
@ApplicationScoped
public class ScheduledGeneration {

    private static final Logger LOG = Logger.getLogger(ScheduledGeneration.class);

    private final VariantGenerator generator;
    private final List<String> suites;
    private final Optional<Integer> sample;
    private final Clock clock;

    public ScheduledGeneration(VariantGenerator generator,
                               @ConfigProperty(name = "cares.variants.schedule.suites") Optional<List<String>> suites,
                               @ConfigProperty(name = "cares.variants.schedule.sample") Optional<Integer> sample) {
        this.generator = generator;
        this.suites = suites.orElse(List.of());
        this.sample = sample;
        this.clock = Clock.systemUTC();
    }

    @Scheduled(identity = "variant-generation", cron = "${cares.variants.schedule.cron:off}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        runFor(LocalDate.now(clock));
    }

    /** One run, as the schedule would do it on the given day; a suite that fails does not stop the others. */
    public List<VariantGenerator.Report> runFor(LocalDate day) {
        List<VariantGenerator.Report> reports = new ArrayList<>();
        for (String suite : suites) {
            try {
                VariantGenerator.Report report = generator.obfuscate(suite, day.toEpochDay(), sample);
                LOG.infof("scheduled rewrites for %s on %s: %d published, %d duplicates, %d failed", suite, day,
                        report.published(), report.duplicates(), report.failed());
                reports.add(report);
            } catch (RuntimeException e) {
                LOG.errorf("scheduled rewrites for %s on %s failed: %s", suite, day, e.getMessage());
            }
        }
        return reports;
    }
}
