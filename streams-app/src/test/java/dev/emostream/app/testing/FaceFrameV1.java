package dev.emostream.app.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import dev.emostream.schemas.registry.SchemaRegistryClient;

/**
 * FaceFrame as first published (raw 8-bit gray, no encoding, no face box), the schema camera services built before
 * the image formats still write with; records in Confluent's wire format, as their serializers make them.
 */
public final class FaceFrameV1 {

    public static final Schema SCHEMA = parse();

    private FaceFrameV1() {
    }

    /** Registers the first schema under {@code subject} (when new) and writes a frame with it. */
    public static byte[] serialize(SchemaRegistryClient registry, String subject, String frameId, String sourceId,
                                   int width, int height, byte[] pixels, String label) {
        int id = registry.register(subject, SCHEMA);
        GenericRecord frame = new GenericData.Record(SCHEMA);
        frame.put("frameId", frameId);
        frame.put("sourceId", sourceId);
        frame.put("captureTime", 1_700_000_000_000L);
        frame.put("width", width);
        frame.put("height", height);
        frame.put("pixels", ByteBuffer.wrap(pixels));
        frame.put("trueLabel", label == null ? null
                : new GenericData.EnumSymbol(SCHEMA.getField("trueLabel").schema().getTypes().get(1), label));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array(), 0, 4);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(SCHEMA).write(frame, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Schema parse() {
        try (InputStream in = FaceFrameV1.class.getResourceAsStream("FaceFrame-v1.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
