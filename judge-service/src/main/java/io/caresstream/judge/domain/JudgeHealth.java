package io.caresstream.judge.domain;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Whether the judge is held by a failure that will not heal, and why; logged once per episode. */
@ApplicationScoped
public class JudgeHealth {

    private static final Logger LOG = Logger.getLogger(JudgeHealth.class);

    private volatile String heldBecause;

    void held(String reason) {
        if (heldBecause == null) {
            LOG.errorf("judge HELD: %s. Responses wait (none is marked unjudgeable for this); fix the configuration"
                    + " and restart, or it retries on its own.", reason);
        }
        heldBecause = reason;
    }

    void healed() {
        if (heldBecause != null) {
            LOG.info("judge model reachable again; judging resumes");
            heldBecause = null;
        }
    }

    /** The reason the judge is held, or null while it can call its model. */
    public String heldBecause() {
        return heldBecause;
    }
}
