package io.caresstream.modelinvoker.domain;

import io.caresstream.providers.Price;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What this model's answers have cost, all its instances together, against its daily and total spending caps.
 * Every instance follows the model's answered topic, where each answer's tokens are recorded once, with the time
 * it was recorded: that topic is the shared ledger, so every instance sees the same spending without talking to
 * the others. The caps come from the settings, and a cap raised at run time is a record on the same topic.
 */
@ApplicationScoped
public class SpendingLedger {

    /** Caps in US dollars; null: no cap. */
    public record Caps(Double dailyUsd, Double totalUsd) {
        public Caps {
            if (dailyUsd != null && dailyUsd < 0) {
                throw new IllegalArgumentException("dailyUsd must not be negative, not " + dailyUsd);
            }
            if (totalUsd != null && totalUsd < 0) {
                throw new IllegalArgumentException("totalUsd must not be negative, not " + totalUsd);
            }
        }
    }

    /** What users see: spent today (UTC) and in all, the caps, and why the model is capped, if it is. */
    public record Spending(double todayUsd, double totalUsd, Caps caps, String cappedBecause) {
    }

    private final Price price;
    private volatile Caps caps;
    private final DoubleAdder total = new DoubleAdder();
    private final Map<LocalDate, DoubleAdder> byDay = new ConcurrentHashMap<>();

    @Inject
    public SpendingLedger(ModelSettings settings) {
        this(settings.toSpec().price(), new Caps(settings.budget().dailyUsd().orElse(null),
                settings.budget().totalUsd().orElse(null)));
    }

    SpendingLedger(Price price, Caps caps) {
        this.price = price;
        this.caps = caps;
    }

    /** One answer's tokens, recorded at atMs (0: before the ledger kept times; it counts in the total only). */
    public void add(long inputTokens, long outputTokens, long atMs) {
        double cost = price.cost(inputTokens, outputTokens);
        if (cost == 0) {
            return;
        }
        total.add(cost);
        if (atMs > 0) {
            LocalDate day = day(atMs);
            byDay.computeIfAbsent(day, d -> new DoubleAdder()).add(cost);
            // Only today's spending is ever asked for: forget days before yesterday.
            byDay.keySet().removeIf(d -> d.isBefore(day.minusDays(1)));
        }
    }

    public void setCaps(Caps newCaps) {
        caps = newCaps;
    }

    public Caps caps() {
        return caps;
    }

    public Spending spending(Instant now) {
        return new Spending(today(now), total.sum(), caps, cappedBecause(now).orElse(null));
    }

    /** Why the model must not take prompts now, if a cap is reached. */
    public Optional<String> cappedBecause(Instant now) {
        Caps current = caps;
        double spent = total.sum();
        if (current.totalUsd() != null && spent >= current.totalUsd()) {
            return Optional.of(String.format(Locale.ROOT, "total spending cap of $%.4f reached ($%.4f spent); "
                    + "resumes when the cap is raised", current.totalUsd(), spent));
        }
        double today = today(now);
        if (current.dailyUsd() != null && today >= current.dailyUsd()) {
            return Optional.of(String.format(Locale.ROOT, "daily spending cap of $%.4f reached ($%.4f spent today,"
                    + " UTC); resumes at 00:00 UTC or when the cap is raised", current.dailyUsd(), today));
        }
        return Optional.empty();
    }

    private double today(Instant now) {
        DoubleAdder spent = byDay.get(day(now.toEpochMilli()));
        return spent == null ? 0 : spent.sum();
    }

    private static LocalDate day(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate();
    }
}
