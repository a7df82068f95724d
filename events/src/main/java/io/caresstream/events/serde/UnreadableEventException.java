package io.caresstream.events.serde;

/** A record on a topic that could not be read as its event type; it belongs in the dead-letter topic. */
public class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String topic) {
        super("unreadable record on " + topic + " (not a valid event); sent to the dead-letter topic");
    }
}
