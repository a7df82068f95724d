package io.caresstream.modelinvoker.domain;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Whether this model's consumer takes prompts: STARTING (reading which prompts it has already answered),
 * RUNNING, PAUSED (by a user) or STOPPED (a failure that will not heal; calls in progress wait for a
 * resume and are then tried again). Pausing stops the demand on the prompt channel, so offsets stay where
 * they are and nothing is lost.
 */
@ApplicationScoped
public class ModelControl {

    public enum State { STARTING, RUNNING, PAUSED, STOPPED }

    /** What users see. */
    public record Status(String model, State state, String reason, Instant since) {
    }

    static final String CHANNEL = "prompts";
    private static final Logger LOG = Logger.getLogger(ModelControl.class);

    private final ChannelRegistry channels;
    private final String modelId;
    private State state = State.STARTING;
    private boolean pauseRequested;
    private String reason = "reading the responses already published for this model";
    private Instant since = Instant.now();

    public ModelControl(ChannelRegistry channels, ModelSettings settings, MeterRegistry metrics) {
        this.channels = channels;
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
            move(pauseRequested ? State.PAUSED : State.RUNNING, pauseRequested ? "paused by a user" : null);
            if (state == State.RUNNING) {
                channel().resume();
            }
        }
    }

    public synchronized Status pause() {
        if (state == State.STARTING) {
            pauseRequested = true;
        } else if (state == State.RUNNING) {
            channel().pause();
            move(State.PAUSED, "paused by a user");
        }
        return status();
    }

    public synchronized Status resume() {
        pauseRequested = false;
        if (state == State.PAUSED || state == State.STOPPED) {
            move(State.RUNNING, null);
            channel().resume();
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

    /** Blocks a call while the model is stopped; returns when it may be tried again. */
    public synchronized void awaitNotStopped() throws InterruptedException {
        while (state == State.STOPPED) {
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
