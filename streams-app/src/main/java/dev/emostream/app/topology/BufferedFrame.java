package dev.emostream.app.topology;

import org.apache.kafka.common.serialization.Serde;

import dev.emostream.model.Emotion;

/** A valid frame waiting in the micro-batch buffer, with the key and timestamp its event will carry. */
record BufferedFrame(byte[] key, long timestamp, ValidFrame frame) {

    static final Serde<BufferedFrame> SERDE = StoreCodec.serde("buffered frame", 1, (b, out) -> {
        StoreCodec.writeBytes(out, b.key());
        out.writeLong(b.timestamp());
        ValidFrame f = b.frame();
        StoreCodec.writeString(out, f.frameId());
        StoreCodec.writeString(out, f.sourceId());
        out.writeLong(f.captureTimeMs());
        out.writeInt(f.width());
        out.writeInt(f.height());
        StoreCodec.writeBytes(out, f.pixels());
        out.writeByte(f.trueLabel() == null ? -1 : f.trueLabel().code());
    }, in -> {
        byte[] key = StoreCodec.readBytes(in);
        long ts = in.readLong();
        String frameId = StoreCodec.readString(in);
        String sourceId = StoreCodec.readString(in);
        long capture = in.readLong();
        int w = in.readInt();
        int h = in.readInt();
        byte[] pixels = StoreCodec.readBytes(in);
        int label = in.readByte();
        return new BufferedFrame(key, ts, new ValidFrame(frameId, sourceId, capture, w, h, pixels,
                label < 0 ? null : Emotion.fromCode(label)));
    });
}
