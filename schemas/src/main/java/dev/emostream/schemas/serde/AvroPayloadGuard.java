package dev.emostream.schemas.serde;

import java.util.List;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema before it is decoded, without allocating, and rejects
 * anything the schema cannot account for: truncation, trailing bytes, negative or oversized lengths, union
 * and enum indexes out of range, over-long varints.
 *
 * <p>Why: Avro's decoder trusts declared sizes. A garbage {@code bytes} length or array count of two billion
 * makes it allocate that much before noticing the data is not there, so one bad record could take the
 * application down with an OutOfMemoryError. After this walk every declared size is known to fit in the
 * payload, so decoding allocates at most in proportion to the payload.
 */
final class AvroPayloadGuard {

    /** Elements of zero-size types (null, empty records) need no bytes, so their count is capped separately. */
    private static final long MAX_ZERO_SIZE_ELEMENTS = 1 << 16;
    private static final int MAX_DEPTH = 512;

    private final byte[] buf;
    private final int end;
    private int pos;

    private AvroPayloadGuard(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * @throws MalformedAvroException naming what is wrong and where (offset from the start of the payload)
     */
    static void check(Schema writer, byte[] buf, int offset, int length) {
        AvroPayloadGuard guard = new AvroPayloadGuard(buf, offset, length);
        guard.walk(writer, 0);
        if (guard.pos != guard.end) {
            throw new MalformedAvroException((guard.end - guard.pos) + " trailing byte(s) after a complete "
                    + writer.getFullName() + " at offset " + guard.pos + " of " + guard.end);
        }
    }

    private void walk(Schema s, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MalformedAvroException("nesting deeper than " + MAX_DEPTH + " at offset " + pos);
        }
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> need(1, "boolean");
            case INT -> readVarint(5, "int");
            case LONG -> readVarint(10, "long");
            case FLOAT -> need(4, "float");
            case DOUBLE -> need(8, "double");
            case FIXED -> need(s.getFixedSize(), s.getFullName());
            case STRING, BYTES -> need(length(s.getType().getName()), s.getType().getName());
            case ENUM -> {
                long index = readVarint(5, "enum index");
                if (index < 0 || index >= s.getEnumSymbols().size()) {
                    throw new MalformedAvroException("enum " + s.getFullName() + " index " + index + " out of range 0.."
                            + (s.getEnumSymbols().size() - 1) + " at offset " + pos);
                }
            }
            case UNION -> {
                List<Schema> branches = s.getTypes();
                long index = readVarint(5, "union index");
                if (index < 0 || index >= branches.size()) {
                    throw new MalformedAvroException("union index " + index + " out of range 0.." + (branches.size() - 1)
                            + " at offset " + pos);
                }
                walk(branches.get((int) index), depth + 1);
            }
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), depth + 1);
                }
            }
            case ARRAY -> blocks(s.getElementType(), null, depth);
            case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), depth);
        }
    }

    private void blocks(Schema item, Schema key, int depth) {
        boolean zeroSize = key == null && minSize(item, 0) == 0;
        long total = 0;
        while (true) {
            long count = readVarint(10, "block count");
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long blockBytes = readVarint(10, "block size");
                if (blockBytes < 0 || blockBytes > end - pos) {
                    throw new MalformedAvroException("block size " + blockBytes + " exceeds the " + (end - pos)
                            + " remaining byte(s) at offset " + pos);
                }
            }
            total += count;
            if (zeroSize ? total > MAX_ZERO_SIZE_ELEMENTS : count > end - pos) {
                throw new MalformedAvroException("block of " + count + " element(s) cannot fit in the " + (end - pos)
                        + " remaining byte(s) at offset " + pos);
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    walk(key, depth + 1);
                }
                walk(item, depth + 1);
            }
        }
    }

    private long length(String what) {
        long len = readVarint(10, what + " length");
        if (len < 0 || len > end - pos) {
            throw new MalformedAvroException(what + " length " + len + " exceeds the " + (end - pos)
                    + " remaining byte(s) at offset " + pos);
        }
        return len;
    }

    private void need(long n, String what) {
        if (n > end - pos) {
            throw new MalformedAvroException("truncated " + what + ": needs " + n + " byte(s), " + (end - pos)
                    + " left at offset " + pos);
        }
        pos += (int) n;
    }

    /** Zig-zag varint, as Avro writes int and long. */
    private long readVarint(int maxBytes, String what) {
        long raw = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= end) {
                throw new MalformedAvroException("truncated " + what + " at offset " + pos);
            }
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
            shift += 7;
        }
        throw new MalformedAvroException(what + " varint longer than " + maxBytes + " bytes at offset " + pos);
    }

    /** Least number of bytes an encoding of {@code s} takes (0 for null and empty records). */
    private static int minSize(Schema s, int depth) {
        if (depth > 32) {
            return 1;
        }
        return switch (s.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP, UNION -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case RECORD -> {
                int sum = 0;
                for (Schema.Field f : s.getFields()) {
                    sum += minSize(f.schema(), depth + 1);
                    if (sum > 0) {
                        break;
                    }
                }
                yield sum;
            }
        };
    }
}
