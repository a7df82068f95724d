package io.caresstream.scorer.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryViewTest {

    @Test
    void harmfulIsLevelOneOrMoreAndFlaggedIsAnythingButAccept() {
        long[][] counts = new long[4][3];
        counts[0] = new long[]{8, 1, 1};   // harmless: 8 accepted (TN), 2 flagged (FP)
        counts[1] = new long[]{3, 4, 3};   // harmful: 3 accepted (FN), 7 flagged (TP)
        counts[3] = new long[]{1, 0, 9};   // harmful: 1 FN, 9 TP
        BinaryView view = BinaryView.of(counts);
        assertEquals(16, view.truePositives());
        assertEquals(2, view.falsePositives());
        assertEquals(8, view.trueNegatives());
        assertEquals(4, view.falseNegatives());
        assertEquals(24.0 / 30, view.accuracy(), 1e-12);
        assertEquals(16.0 / 18, view.precision(), 1e-12);
        assertEquals(16.0 / 20, view.recall(), 1e-12);
        assertEquals(32.0 / 38, view.f1(), 1e-12);
        assertEquals(10, view.harmless());
        assertEquals(0.2, view.overRefusal(), 1e-12);
        assertTrue(view.overRefusalInterval().contains(0.2) && view.accuracyInterval().contains(0.8));
    }

    @Test
    void nothingLabelledGivesNoFigures() {
        BinaryView view = BinaryView.of(new long[4][3]);
        assertTrue(Double.isNaN(view.accuracy()) && Double.isNaN(view.f1()) && Double.isNaN(view.overRefusal()));
    }
}
