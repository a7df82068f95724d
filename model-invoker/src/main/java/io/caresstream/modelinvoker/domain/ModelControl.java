package io.caresstream.modelinvoker.domain;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether this model's consumer takes prompts: STARTING (reading which prompts it has already answered),
 * RUNNING, PAUSED (by a user), CAPPED (a spending cap is reached, all instances together: {@link SpendingLedger};
 * it resumes on its own the next day or when the cap is raised) or STOPPED (a failure that will not heal; calls in
 * progress wait for a resume and are then tried again). Pausing stops the demand on the prompt channel, so offsets
 * stay where they are and nothing is lost.
 */
@ApplicationScoped
public class ModelControl {

    public enum State { STARTING, RUNNING, PAUSED, STOPPED, CAPPED }

    /** What users see. */
    public record Status(String model, State state, String reason, Instant since) {
    }

    public static final String CHANNEL = "prompts";
    private static final Logger LOG = Logger.getLogger(ModelControl.class);

    private final ChannelRegistry channels;
    private final SpendingLedger spending;
    private final String modelId;
    private State state = State.STARTING;
    private boolean pauseRequested;
    private String reason = "reading the responses already published for this model";
    private Instant since = Instant.now();

    public ModelControl(ChannelRegistry channels, SpendingLedger spending, ModelSettings settings, MeterRegistry metrics) {
        this.channels = channels;
        this.spending = spending;
        this.modelId = settings.id();
        metrics.gauge("cares.model.state", io.micrometer.core.instrument.Tags.of("model", modelId), this,
                control -> control.status().state().ordinal());
    }

    public synchronized Status status() {
        return new Status(modelId, state, reason, since);
    }

    /** The responses log has caught up: start taking prompts, unless a pause was asked for meanwhile. */
    public synchronized void started() {
        if (state == State.STARTING) {
            Optional<String> capped = spending.cappedBecause(Instant.now());
            if (pauseRequested) {
                move(State.PAUSED, "paused by a user");
            } else if (capped.isPresent()) {
                move(State.CAPPED, capped.get());
                LOG.warnf("model %s CAPPED: %s", modelId, capped.get());
            } else {
                move(State.RUNNING, null);
                channel().resume();
            }
        }
    }

    /**
     * Looks at the spending again: after every answer recorded (by any instance), when a cap changes, and every
     * 30 s for the day's turn. Calls already under way when a cap is reached finish, so the spending may pass the
     * cap by at most what the instances' calls in flight cost.
     */
    @Scheduled(identity = "spending-caps", every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public synchronized void reviewSpending() {
        Optional<String> capped = spending.cappedBecause(Instant.now());
        if (state == State.RUNNING && capped.isPresent()) {
            channel().pause();
            move(State.CAPPED, capped.get());
            LOG.warnf("model %s CAPPED: %s. No more prompts are taken until then.", modelId, capped.get());
        } else if (state == State.CAPPED && capped.isEmpty()) {
            move(State.RUNNING, null);
            channel().resume();
            notifyAll();
            LOG.infof("model %s: under its spending caps again; taking prompts", modelId);
        }
    }

    public synchronized Status pause() {
        if (state == State.STARTING) {
            pauseRequested = true;
        } else if (state == State.RUNNING || state == State.CAPPED) {
            if (state == State.RUNNING) {
                channel().pause();
            }
            move(State.PAUSED, "paused by a user");
        }
        return status();
    }

    /** Takes prompts again, unless a spending cap is still reached: a resume does not lift a cap. */
    public synchronized Status resume() {
        pauseRequested = false;
        if (state == State.PAUSED || state == State.STOPPED) {
            Optional<String> capped = spending.cappedBecause(Instant.now());
            if (capped.isPresent()) {
                move(State.CAPPED, capped.get());
            } else {
                move(State.RUNNING, null);
                channel().resume();
            }
            notifyAll();
        }
        return status();
    }

    /** A failure that will not heal: stop taking prompts and say why, once. */
    public synchronized void stop(String why) {
        if (state != State.STOPPED) {
            channel().pause();
            move(State.STOPPED, why);
            LOG.errorf("model %s STOPPED: %s. No more prompts are taken; fix the configuration and restart, "
                    + "or POST /api/model/resume to try again.", modelId, why);
        }
    }

    /**
     * Blocks a call while the model is stopped or capped; returns when it may be made. A prompt the consumer had
     * already handed out when a cap was reached waits here rather than spending past the cap: only calls already
     * under way finish.
     */
    public synchronized void awaitMayCall() throws InterruptedException {
        while (state == State.STOPPED || state == State.CAPPED) {
            wait();
        }
    }

    private void move(State next, String why) {
        state = next;
        reason = why;
        since = Instant.now();
    }

    private PausableChannel channel() {
        PausableChannel channel = channels.getPausable(CHANNEL);
        if (channel == null) {
            throw new IllegalStateException("channel '" + CHANNEL + "' is not pausable (mp.messaging.incoming." + CHANNEL
                    + ".pausable=true)");
        }
        return channel;
    }
}
