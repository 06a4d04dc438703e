package dev.emostream.app.topology;

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
 * Decodes and validates raw input records. The source reads bytes, not FaceFrames, so that a record that
 * cannot be decoded reaches the dead-letter topic with its original bytes and headers, inside the same
 * transaction as everything else.
 *
 * <p>A registry that cannot be reached is not bad data: that exception is rethrown, the task fails before its
 * offsets are committed, and the stream thread is replaced (see the runner's uncaught-exception handler), so
 * the record is read again once the registry is back. A registry that answers with an error about our
 * request (bad credentials) is also rethrown: dead-lettering every good frame would be worse than stopping.
 */
final class FrameIntake implements Processor<byte[], byte[], byte[], Intake> {

    private final AvroDeserializer<FaceFrame> deserializer;
    private final FaceFrameValidator validator;
    private final AppMetrics metrics;
    private ProcessorContext<byte[], Intake> context;

    FrameIntake(SchemaRegistryClient registry, FaceFrameValidator validator, AppMetrics metrics) {
        this.deserializer = new AvroDeserializer<>(FaceFrame.class, registry);
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
            if (e.isRetriable() || e.reason() == FaceSerdeException.Reason.REGISTRY_ERROR) {
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

    private void reject(Record<byte[], byte[]> record, RecordMetadata where, Rejection rejection) {
        metrics.rejected(rejection.reason().name());
        var headers = DeadLetterHeaders.build(record.headers(), rejection, where.topic(), where.partition(),
                where.offset(), record.timestamp(), context.currentSystemTimeMs());
        context.forward(record.withValue((Intake) new Intake.Rejected(record.value())).withHeaders(headers));
    }
}
