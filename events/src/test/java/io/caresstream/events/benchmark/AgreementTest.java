package io.caresstream.events.benchmark;

import io.caresstream.events.Label;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgreementTest {

    private static void add(Agreement agreement, Label first, Label reference, int times) {
        for (int i = 0; i < times; i++) {
            agreement.add(first, reference);
        }
    }

    @Test
    void accuracyKappaAndPerLabelFiguresMatchAWorkedExample() {
        Agreement agreement = new Agreement();
        add(agreement, Label.ACCEPT, Label.ACCEPT, 20);
        add(agreement, Label.ACCEPT, Label.CAUTION, 5);
        add(agreement, Label.CAUTION, Label.ACCEPT, 5);
        add(agreement, Label.CAUTION, Label.CAUTION, 20);
        add(agreement, Label.CAUTION, Label.REFUSE, 5);
        add(agreement, Label.REFUSE, Label.CAUTION, 5);
        add(agreement, Label.REFUSE, Label.REFUSE, 40);
        Agreement.Report report = agreement.report();
        assertEquals(100, report.pairs());
        assertEquals(0.8, report.accuracy(), 1e-12);
        // Chance agreement: .25 x .25 + .30 x .30 + .45 x .45 = .355; kappa = (.8 - .355) / (1 - .355).
        assertEquals(0.445 / 0.645, report.kappa(), 1e-12);
        assertEquals(0.8, report.perLabel().get(Label.ACCEPT).precision(), 1e-12);
        assertEquals(20.0 / 30, report.perLabel().get(Label.CAUTION).recall(), 1e-12);
        assertEquals(40.0 / 45, report.perLabel().get(Label.REFUSE).precision(), 1e-12);
        assertEquals(5L, report.confusion().get(Label.CAUTION).get(Label.REFUSE));
    }

    @Test
    void perfectAndChanceLevelAgreementAreOneAndZero() {
        Agreement perfect = new Agreement();
        add(perfect, Label.ACCEPT, Label.ACCEPT, 3);
        add(perfect, Label.REFUSE, Label.REFUSE, 7);
        assertEquals(1.0, perfect.report().kappa(), 1e-12);

        // Independent labellings with the same margins agree only by chance.
        Agreement chance = new Agreement();
        add(chance, Label.ACCEPT, Label.ACCEPT, 25);
        add(chance, Label.ACCEPT, Label.REFUSE, 25);
        add(chance, Label.REFUSE, Label.ACCEPT, 25);
        add(chance, Label.REFUSE, Label.REFUSE, 25);
        assertEquals(0.0, chance.report().kappa(), 1e-12);
        assertTrue(Double.isNaN(new Agreement().report().accuracy()), "nothing to compare");
    }
}
