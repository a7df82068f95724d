package io.caresstream.providers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriceTest {

    @Test
    void aPriceIsFreeOnlyWhenBothItsInputAndOutputPricesAreZero() {
        assertTrue(Price.FREE.isFree());
        assertTrue(new Price(0, 0).isFree());
        assertTrue(new Price(-0.0, 0).isFree(), "minus zero is no price either");
        assertFalse(new Price(0, 10).isFree());
        assertFalse(new Price(2.5, 0).isFree());
        assertFalse(new Price(1e-9, 0).isFree());
    }

    @Test
    void aCallCostsItsTokensAtTheirPricePerMillion() {
        assertEquals(0.0125 + 0.01, new Price(2.5, 10).cost(5_000, 1_000), 1e-12);
        assertEquals(0, Price.FREE.cost(5_000, 1_000));
        assertThrows(IllegalArgumentException.class, () -> new Price(-1, 0));
    }
}
