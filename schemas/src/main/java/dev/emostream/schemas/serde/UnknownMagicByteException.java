package dev.emostream.schemas.serde;

/** The payload does not start with the Confluent wire-format magic byte 0: not written by a Confluent-format serializer. */
public final class UnknownMagicByteException extends FaceSerdeException {

    private final int magicByte;

    public UnknownMagicByteException(String topic, byte magicByte) {
        super(Reason.BAD_MAGIC_BYTE, String.format(
                "unknown magic byte 0x%02x on topic %s: expected 0x00 (Confluent wire format)", magicByte & 0xff, topic));
        this.magicByte = magicByte & 0xff;
    }

    /** The offending first byte, 0..255. */
    public int magicByte() {
        return magicByte;
    }
}
