package io.caresstream.deploy.simulated;

/** Shares of ACCEPT, CAUTION and REFUSE answers; they must add up to 1. */
public record LabelRates(double accept, double caution, double refuse) {

    public LabelRates {
        if (accept < 0 || caution < 0 || refuse < 0 || Math.abs(accept + caution + refuse - 1.0) > 1e-9) {
            throw new IllegalArgumentException(
                    "label rates must be non-negative and add up to 1, got accept=%s caution=%s refuse=%s"
                            .formatted(accept, caution, refuse));
        }
    }

    /** Maps a uniform draw u in [0, 1) onto a label, so a fixed u always gives the same label. */
    public SimulatedLabel labelAt(double u) {
        if (u < accept) {
            return SimulatedLabel.ACCEPT;
        }
        return u < accept + caution ? SimulatedLabel.CAUTION : SimulatedLabel.REFUSE;
    }
}
