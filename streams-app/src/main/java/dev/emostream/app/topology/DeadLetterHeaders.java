package dev.emostream.app.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers of a record in the dead-letter topic, added to the original record's own headers. Where Kafka
 * Streams' built-in dead-letter queue (KIP-1034) has a header for the same fact, the same name is used, so
 * tooling written for it reads these records too. All values are UTF-8 text.
 */
public final class DeadLetterHeaders {

    /** The {@link RejectReason} name. */
    public static final String REASON = "emostream.reject.reason";
    /** What was wrong, with the offending value. (KIP-1034 name.) */
    public static final String MESSAGE = "__streams.errors.message";
    /** Where the record came from. (KIP-1034 names.) */
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** The original record's timestamp, epoch milliseconds. */
    public static final String RECORD_TIMESTAMP = "emostream.reject.record.timestamp";
    /** When the app rejected it, epoch milliseconds. */
    public static final String REJECTED_AT = "emostream.reject.time";

    private DeadLetterHeaders() {
    }

    static Headers build(Headers original, Rejection rejection, String topic, int partition, long offset,
                         long recordTimestamp, long now) {
        Headers h = new RecordHeaders(original.toArray());
        add(h, REASON, rejection.reason().name());
        add(h, MESSAGE, rejection.message());
        add(h, TOPIC, topic);
        add(h, PARTITION, Integer.toString(partition));
        add(h, OFFSET, Long.toString(offset));
        add(h, RECORD_TIMESTAMP, Long.toString(recordTimestamp));
        add(h, REJECTED_AT, Long.toString(now));
        return h;
    }

    /** The last value of header {@code name} as text, or null. */
    public static String get(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers h, String name, String value) {
        h.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
