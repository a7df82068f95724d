package io.caresstream.scorer.streams;

import io.caresstream.scorer.domain.Tally;
import io.caresstream.scorer.domain.TallyCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The scoreboard's values in their block encoding (see {@link TallyCodec}). */
public class TallySerde implements Serde<Tally> {

    @Override
    public Serializer<Tally> serializer() {
        return (topic, tally) -> tally == null ? null : TallyCodec.encode(tally);
    }

    @Override
    public Deserializer<Tally> deserializer() {
        return (topic, bytes) -> bytes == null ? null : TallyCodec.decode(bytes);
    }
}
