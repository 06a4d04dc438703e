package dev.emostream.app.topology;

import java.util.Map;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * Decodes and validates raw input records, and turns each frame's image into its face ({@link FaceFrameValidator}). The source reads bytes, not FaceFrames, so that a record that
 * cannot be decoded reaches the dead-letter topic with its original bytes and headers, inside the same
 * transaction as everything else.
 *
 * <p>Serde failures are sorted by {@link FaceSerdeException.Kind}: bad data (the record's bytes, or the schema its
 * id names: not Avro, unresolvable references, not a FaceFrame, an id the registry confirms unknown) is a dead
 * letter. Anything else is rethrown, so the task fails before its offsets are committed: a registry that cannot
 * be reached (transient) has the stream thread replaced and the record read again once it is back; an error about
 * our own setup (bad credentials, a wrong base URL) stops the app (see {@code StreamThreadFailurePolicy}), because
 * dead-lettering every good frame would be worse than stopping.
 */
final class FrameIntake implements Processor<byte[], byte[], byte[], Intake> {

    private final AvroDeserializer<FaceFrame> deserializer;
    private final FaceFrameValidator validator;
    private final AppMetrics metrics;
    private ProcessorContext<byte[], Intake> context;

    FrameIntake(SchemaRegistryClient registry, Map<String, ?> serdeConfig, FaceFrameValidator validator,
                AppMetrics metrics) {
        this.deserializer = new AvroDeserializer<>(FaceFrame.class, registry);
        deserializer.configure(serdeConfig, false);
        this.validator = validator;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], Intake> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("intake runs on source records only"));
        String topic = where.topic();
        if (record.value() == null) {
            reject(record, where, new Rejection(RejectReason.TOMBSTONE, "null value (tombstone) at " + topic + "-"
                    + where.partition() + "@" + where.offset() + ": not a frame"));
            return;
        }
        FaceFrame frame;
        try {
            frame = deserializer.deserialize(topic, record.value());
        } catch (FaceSerdeException e) {
            if (e.kind() != FaceSerdeException.Kind.BAD_DATA) {
                throw e;
            }
            reject(record, where, new Rejection(RejectReason.of(e.reason()), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            reject(record, where, new Rejection(RejectReason.UNDECODABLE, "cannot decode a FaceFrame from " + topic
                    + ": " + e));
            return;
        }
        FaceFrameValidator.Result result = validator.validate(frame, topic);
        if (result.rejection() != null) {
            reject(record, where, result.rejection());
        } else {
            context.forward(record.withValue((Intake) new Intake.Valid(result.frame())));
        }
    }

    @Override
    public void close() {
        validator.close();
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata where, Rejection rejection) {
        metrics.rejected(rejection.reason().name());
        var headers = DeadLetterHeaders.build(record.headers(), rejection, where.topic(), where.partition(),
                where.offset(), record.timestamp(), context.currentSystemTimeMs());
        context.forward(record.withValue((Intake) new Intake.Rejected(record.value())).withHeaders(headers));
    }
}
