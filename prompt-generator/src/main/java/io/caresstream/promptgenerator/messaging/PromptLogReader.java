package io.caresstream.promptgenerator.messaging;

import io.caresstream.events.PromptEvent;
import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Reads the whole prompt log from the beginning at every start (no committed offsets), and keeps
 * following it, so the catalogue always reflects what the log holds.
 */
@ApplicationScoped
public class PromptLogReader {

    private static final Logger LOG = Logger.getLogger(PromptLogReader.class);

    private final SuiteCatalogue catalogue;

    public PromptLogReader(SuiteCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * A whole poll at a time (the channel's batch mode): an import's burst of prompts comes back here as a
     * few batches instead of thousands of messages, each dispatched on its own, while the model and the
     * scorer need the same cores.
     */
    @Incoming("prompt-log")
    public void read(List<PromptEvent> prompts) {
        for (PromptEvent prompt : prompts) {
            if (prompt == null) {
                // Unreadable: the model-invoker's dead-letter topic keeps it; the catalogue has nothing to file.
                LOG.debug("skipped an unreadable record on the prompt log");
                continue;
            }
            catalogue.record(prompt);
        }
    }
}
