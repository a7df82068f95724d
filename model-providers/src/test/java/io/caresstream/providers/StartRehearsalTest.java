package io.caresstream.providers;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartRehearsalTest {

    // Nothing listens on port 1: the rehearsal never calls the endpoint.
    private static final ChatModelSpec SPEC = new ChatModelSpec("sim@1", "openai", "http://127.0.0.1:1/v1",
            "simulated-model", 0.0, 64, Optional.empty(), Duration.ofSeconds(5), 0, ApiKeySource.NONE, false);

    @Test
    void aNegativeCallCountStopsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StartRehearsal.run("model sim@1", SPEC, -1, 8));
        assertTrue(e.getMessage().contains("cares.rehearsal.calls (CARES_REHEARSAL_CALLS)"), e.getMessage());
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    }

    @Test
    void noCallInFlightStopsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StartRehearsal.run("model sim@1", SPEC, 16, 0));
        assertTrue(e.getMessage().contains("cares.rehearsal.in-flight (CARES_REHEARSAL_IN_FLIGHT)"), e.getMessage());
    }

    @Test
    void zeroCallsTurnTheRehearsalOff() {
        assertFalse(StartRehearsal.run("model sim@1", SPEC, 0, 8));
    }

    @Test
    void callsAreRehearsedOnTheLoopbackServer() {
        assertTrue(StartRehearsal.run("model sim@1", SPEC, 16, 4));
    }
}
