package dev.emostream.schemas.serde;

/** A record value or key of zero bytes: not even the 5-byte Confluent header. */
public final class EmptyPayloadException extends FaceSerdeException {

    public EmptyPayloadException(String topic) {
        super(Reason.EMPTY_PAYLOAD, "empty payload on topic " + topic + ": expected at least the 5-byte Confluent header");
    }
}
