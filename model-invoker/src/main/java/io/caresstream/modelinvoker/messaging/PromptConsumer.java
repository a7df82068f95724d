package io.caresstream.modelinvoker.messaging;

import io.caresstream.domain.EventKeys;
import io.caresstream.domain.Topics;
import io.caresstream.domain.UnreadableEventException;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.modelinvoker.domain.Responder;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Outgoing;

/**
 * Consumes the prompt log in this model's own consumer group (from the earliest offset, so a new
 * model is evaluated on everything already published) and publishes one response per prompt, keyed
 * by model and prompt so a redelivery replaces rather than adds. Calls run on a bounded worker pool,
 * many in flight at once; the prompt is acknowledged only after its response is written.
 */
@ApplicationScoped
public class PromptConsumer {

    private final Responder responder;

    public PromptConsumer(Responder responder) {
        this.responder = responder;
    }

    @Incoming("prompts")
    @Outgoing("responses")
    @Blocking(value = "model-calls", ordered = false)
    public Message<ResponseEvent> respond(Message<PromptEvent> prompt) {
        if (prompt.getPayload() == null) {
            // Could not be deserialized: the failure strategy sends it, with its raw bytes, to the dead-letter topic.
            throw new UnreadableEventException(Topics.PROMPTS);
        }
        ResponseEvent response = responder.respond(prompt.getPayload());
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(EventKeys.response(response.getModelId(), response.getPromptId()))
                .build();
        return prompt.withPayload(response).addMetadata(key);
    }
}
