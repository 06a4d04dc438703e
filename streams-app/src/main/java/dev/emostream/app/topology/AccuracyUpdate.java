package dev.emostream.app.topology;

import org.apache.kafka.common.serialization.Serde;

import dev.emostream.model.Emotion;

/**
 * One classified frame as the accuracy aggregator sees it, for one scope. Travels through the repartition
 * topic keyed by {@link AccuracyKey}, so all updates of one (version, scope) meet in one task.
 *
 * @param trueLabel null for an unlabeled frame (counts as seen, not as labeled)
 */
record AccuracyUpdate(String modelVersion, String scope, Emotion predicted, Emotion trueLabel) {

    static final Serde<AccuracyUpdate> SERDE = StoreCodec.serde("accuracy update", 1, (u, out) -> {
        StoreCodec.writeString(out, u.modelVersion());
        StoreCodec.writeString(out, u.scope());
        out.writeByte(u.predicted().code());
        out.writeByte(u.trueLabel() == null ? -1 : u.trueLabel().code());
    }, in -> {
        String version = StoreCodec.readString(in);
        String scope = StoreCodec.readString(in);
        Emotion predicted = Emotion.fromCode(in.readByte());
        int label = in.readByte();
        return new AccuracyUpdate(version, scope, predicted, label < 0 ? null : Emotion.fromCode(label));
    });
}
