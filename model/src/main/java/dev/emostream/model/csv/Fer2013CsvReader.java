package dev.emostream.model.csv;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams faces out of any Kaggle FER2013 CSV: {@code id,emotion,pixels}, {@code emotion,pixels},
 * {@code emotion,pixels,Usage}, {@code id,pixels} or {@code pixels}, gzip-compressed or plain.
 * Rows are read one at a time, so a file of any size fits. A malformed row throws
 * {@link Fer2013FormatException} and the reader stays usable: the caller chooses to stop or skip.
 */
public final class Fer2013CsvReader implements Closeable {

    private static final int PIXELS = FaceImage.FER_SIZE * FaceImage.FER_SIZE;

    private final String source;
    private final BufferedReader in;
    private final int idColumn;
    private final int emotionColumn;
    private final int pixelsColumn;
    private final int usageColumn;
    private final int columns;
    private long line = 1;
    private long index = 0;

    private Fer2013CsvReader(String source, InputStream raw) throws IOException {
        this.source = source;
        InputStream buffered = new BufferedInputStream(raw, 1 << 16);
        this.in = new BufferedReader(new InputStreamReader(maybeGunzip(buffered), StandardCharsets.US_ASCII), 1 << 16);
        String header = in.readLine();
        if (header == null) {
            throw new Fer2013FormatException(source, 1, "empty file, expected a header such as id,emotion,pixels");
        }
        String[] names = header.strip().toLowerCase(Locale.ROOT).split(",");
        int id = -1, emotion = -1, pixels = -1, usage = -1;
        for (int i = 0; i < names.length; i++) {
            switch (names[i].strip().replace("\"", "")) {
                case "id" -> id = i;
                case "emotion" -> emotion = i;
                case "pixels" -> pixels = i;
                case "usage" -> usage = i;
                default -> throw new Fer2013FormatException(source, 1,
                        "unknown column '" + names[i] + "', expected some of id,emotion,pixels,Usage");
            }
        }
        if (pixels < 0) {
            throw new Fer2013FormatException(source, 1, "no 'pixels' column in header '" + header + "'");
        }
        this.idColumn = id;
        this.emotionColumn = emotion;
        this.pixelsColumn = pixels;
        this.usageColumn = usage;
        this.columns = names.length;
    }

    public static Fer2013CsvReader open(Path file) throws IOException {
        return new Fer2013CsvReader(file.toString(), Files.newInputStream(file));
    }

    public static Fer2013CsvReader open(String source, InputStream in) throws IOException {
        return new Fer2013CsvReader(source, in);
    }

    /** Whether rows carry a true label. */
    public boolean hasLabels() {
        return emotionColumn >= 0;
    }

    /** Whether ids come from the file rather than from row numbers. */
    public boolean hasIds() {
        return idColumn >= 0;
    }

    /**
     * The next row, or empty at the end of the file.
     *
     * @throws Fer2013FormatException for a malformed row; the next call reads the row after it
     */
    public Optional<Fer2013Row> next() {
        String text;
        try {
            do {
                text = in.readLine();
                line++;
            } while (text != null && text.isBlank());
        } catch (IOException e) {
            throw new UncheckedIOException(source + " line " + line + ": " + e.getMessage(), e);
        }
        if (text == null) {
            return Optional.empty();
        }
        long rowIndex = index++;
        return Optional.of(parse(text, rowIndex));
    }

    /** Reads every row, handing malformed ones to {@code onError} and going on. Returns the number of good rows. */
    public long forEach(Consumer<Fer2013Row> onRow, Consumer<Fer2013FormatException> onError) {
        long good = 0;
        while (true) {
            Optional<Fer2013Row> row;
            try {
                row = next();
            } catch (Fer2013FormatException e) {
                onError.accept(e);
                continue;
            }
            if (row.isEmpty()) {
                return good;
            }
            onRow.accept(row.get());
            good++;
        }
    }

    private Fer2013Row parse(String text, long rowIndex) {
        String[] fields = text.split(",", -1);
        if (fields.length != columns) {
            throw error("expected " + columns + " columns, found " + fields.length);
        }
        String id = idColumn >= 0 ? fields[idColumn].strip() : Long.toString(rowIndex);
        if (id.isEmpty()) {
            throw error("empty id");
        }
        Emotion label = null;
        if (emotionColumn >= 0) {
            String code = fields[emotionColumn].strip();
            int value;
            try {
                value = Integer.parseInt(code);
            } catch (NumberFormatException e) {
                throw error("emotion '" + code + "' is not a number");
            }
            if (value < 0 || value >= Emotion.COUNT) {
                throw error("emotion " + value + " is out of range 0..6");
            }
            label = Emotion.fromCode(value);
        }
        String usage = usageColumn >= 0 ? fields[usageColumn].strip() : null;
        byte[] pixels = parsePixels(fields[pixelsColumn]);
        return new Fer2013Row(line, rowIndex, id, label, usage, new FaceImage(FaceImage.FER_SIZE, FaceImage.FER_SIZE, pixels));
    }

    // Hand-rolled because String.split + parseInt per pixel dominates reading 28k rows x 2304 values.
    private byte[] parsePixels(String field) {
        byte[] out = new byte[PIXELS];
        int n = 0;
        int value = -1;
        int start = 0, end = field.length();
        if (end - start >= 2 && field.charAt(start) == '"' && field.charAt(end - 1) == '"') {
            start++;
            end--;
        }
        for (int i = start; i <= end; i++) {
            char c = i < end ? field.charAt(i) : ' ';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    throw error("pixel " + (n + 1) + " is above 255");
                }
            } else if (c == ' ' || c == '\t') {
                if (value >= 0) {
                    if (n == PIXELS) {
                        throw error("more than " + PIXELS + " pixels");
                    }
                    out[n++] = (byte) value;
                    value = -1;
                }
            } else {
                throw error("pixel " + (n + 1) + " is not a number ('" + c + "')");
            }
        }
        if (n != PIXELS) {
            throw error(n + " pixels, expected 48x48 = " + PIXELS);
        }
        return out;
    }

    private Fer2013FormatException error(String problem) {
        return new Fer2013FormatException(source, line, problem);
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(in, 1 << 16) : in;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
