package io.caresstream.deploy.kafka;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest {

    @Test
    void portsAskedForTogetherAreDistinct() {
        // Probed one at a time, 300 ports from Linux's ~28,000 ephemeral ones repeat one more often than not.
        List<Integer> ports = FreePorts.distinct(300, Set.of());
        assertEquals(300, new HashSet<>(ports).size(), "a port was handed out twice: " + ports);
    }

    @Test
    void noPortIsOneAlreadyTaken() {
        Set<Integer> taken = new HashSet<>(FreePorts.distinct(300, Set.of()));
        List<Integer> ports = FreePorts.distinct(300, taken);
        assertTrue(ports.stream().noneMatch(taken::contains), "a taken port was handed out: " + ports);
    }
}
