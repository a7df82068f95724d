package io.caresstream.modelinvoker.domain;

import io.caresstream.providers.Price;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpendingLedgerTest {

    private static final Instant MORNING = Instant.parse("2026-12-02T09:00:00Z");
    private static final Instant NEXT_DAY = Instant.parse("2026-12-03T00:00:01Z");

    @Test
    void theDailyCapIsReachedByTodaysAnswersAndLiftsTheNextDay() {
        // $1 per million tokens either way: 1,000 tokens cost $0.001.
        SpendingLedger ledger = new SpendingLedger(new Price(1, 1), new SpendingLedger.Caps(0.002, null));
        ledger.add(500, 500, MORNING.minusSeconds(86_400).toEpochMilli()); // yesterday's: not today's
        ledger.add(500, 500, MORNING.toEpochMilli());
        assertEquals(Optional.empty(), ledger.cappedBecause(MORNING));
        ledger.add(600, 400, MORNING.plusSeconds(60).toEpochMilli());
        String reason = ledger.cappedBecause(MORNING.plusSeconds(61)).orElseThrow();
        assertTrue(reason.startsWith("daily spending cap of $0.0020 reached ($0.0020 spent today"), reason);
        assertEquals(0.003, ledger.spending(MORNING).totalUsd(), 1e-12);
        assertEquals(Optional.empty(), ledger.cappedBecause(NEXT_DAY), "a new day, a new daily budget");
    }

    @Test
    void theTotalCapCountsEverythingAndARaisedCapLiftsIt() {
        SpendingLedger ledger = new SpendingLedger(new Price(1, 1), new SpendingLedger.Caps(null, 0.001));
        ledger.add(1_000, 0, 0); // recorded before the ledger kept times: in the total only
        assertTrue(ledger.cappedBecause(NEXT_DAY).orElseThrow().startsWith("total spending cap of $0.0010 reached"));
        ledger.setCaps(new SpendingLedger.Caps(null, 0.01));
        assertEquals(Optional.empty(), ledger.cappedBecause(NEXT_DAY));
        assertEquals(0, ledger.spending(NEXT_DAY).todayUsd(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new SpendingLedger.Caps(-1.0, null));
    }
}
