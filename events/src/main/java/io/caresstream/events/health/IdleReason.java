package io.caresstream.events.health;

import java.util.Optional;

/**
 * Why a service is idle on purpose (a model paused by an operator, say), so that a backlog it is not working
 * through does not count against its readiness. A service that can be idle on purpose provides one bean.
 */
public interface IdleReason {

    /** The reason while the service is idle on purpose; empty while it is meant to be working. */
    Optional<String> now();
}
