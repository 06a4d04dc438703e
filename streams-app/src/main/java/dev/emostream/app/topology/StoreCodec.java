package dev.emostream.app.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary format for the app's own state-store and repartition values. These never leave the app
 * (their topics are internal), so they need no registry; the leading format byte lets a later version read
 * what an earlier one left in a changelog.
 */
final class StoreCodec {

    interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private StoreCodec() {
    }

    static <T> Serde<T> serde(String what, int format, Writer<T> writer, Reader<T> reader) {
        return serde(what, format, writer, reader, format, reader);
    }

    /** Writes {@code format}; reads it and one earlier format, {@code olderFormat}, with its own reader. */
    static <T> Serde<T> serde(String what, int format, Writer<T> writer, Reader<T> reader, int olderFormat,
                              Reader<T> olderReader) {
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(format);
                writer.write(value, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
        Deserializer<T> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int f = in.readByte();
                if (f == format) {
                    return reader.read(in);
                }
                if (f == olderFormat) {
                    return olderReader.read(in);
                }
                throw new SerializationException(what + " in format " + f + " on " + topic + "; this build reads format "
                        + format + (olderFormat == format ? "" : " and " + olderFormat));
            } catch (IOException e) {
                throw new SerializationException("corrupt " + what + " on " + topic + ": " + e, e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        return in.readNBytes(n);
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
