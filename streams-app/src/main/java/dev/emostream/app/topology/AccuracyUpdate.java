package dev.emostream.app.topology;

import java.io.DataInputStream;
import java.io.IOException;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.ByteUtils;

import dev.emostream.model.Emotion;

/**
 * What one batch adds to the counts of one (model version, scope): frames seen and the confusion cells of its
 * labeled frames. Travels through the repartition topic keyed by {@link AccuracyKey}, so all updates of one
 * (version, scope) meet in one task; one record per scope and batch instead of one per frame (docs/ARCHITECTURE.md,
 * "Accuracy").
 *
 * @param confusion 49 counts, row = true label, column = prediction (Kaggle order); unlabeled frames count in
 *                  {@code seen} only
 */
record AccuracyUpdate(String modelVersion, String scope, long seen, long[] confusion) {

    /** Format 1 carried one frame (predicted, true label or -1); a repartition topic may still hold some. */
    static final Serde<AccuracyUpdate> SERDE = StoreCodec.serde("accuracy update", 2, (u, out) -> {
        StoreCodec.writeString(out, u.modelVersion());
        StoreCodec.writeString(out, u.scope());
        ByteUtils.writeVarlong(u.seen(), out);
        int cells = 0;
        for (long n : u.confusion()) {
            cells += n == 0 ? 0 : 1;
        }
        out.writeByte(cells);
        for (int i = 0; i < u.confusion().length; i++) {
            if (u.confusion()[i] != 0) {
                out.writeByte(i);
                ByteUtils.writeVarlong(u.confusion()[i], out);
            }
        }
    }, in -> {
        String version = StoreCodec.readString(in);
        String scope = StoreCodec.readString(in);
        long seen = ByteUtils.readVarlong(in);
        long[] confusion = new long[Emotion.COUNT * Emotion.COUNT];
        int cells = in.readByte();
        for (int k = 0; k < cells; k++) {
            int cell = in.readByte();
            confusion[checkedCell(cell)] = ByteUtils.readVarlong(in);
        }
        return new AccuracyUpdate(version, scope, seen, confusion);
    }, 1, AccuracyUpdate::readFormat1);

    long labeled() {
        long n = 0;
        for (long c : confusion) {
            n += c;
        }
        return n;
    }

    long correct() {
        long n = 0;
        for (int i = 0; i < Emotion.COUNT; i++) {
            n += confusion[i * Emotion.COUNT + i];
        }
        return n;
    }

    private static int checkedCell(int cell) throws IOException {
        if (cell < 0 || cell >= Emotion.COUNT * Emotion.COUNT) {
            throw new IOException("confusion cell " + cell + " out of range");
        }
        return cell;
    }

    private static AccuracyUpdate readFormat1(DataInputStream in) throws IOException {
        String version = StoreCodec.readString(in);
        String scope = StoreCodec.readString(in);
        Emotion predicted = Emotion.fromCode(in.readByte());
        int label = in.readByte();
        long[] confusion = new long[Emotion.COUNT * Emotion.COUNT];
        if (label >= 0) {
            confusion[Emotion.fromCode(label).code() * Emotion.COUNT + predicted.code()] = 1;
        }
        return new AccuracyUpdate(version, scope, 1, confusion);
    }
}
