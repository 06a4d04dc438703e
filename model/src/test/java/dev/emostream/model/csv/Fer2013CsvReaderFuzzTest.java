package dev.emostream.model.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes, as a Kaggle CSV would arrive (plain or gzip): the reader either refuses the file at open
 * ({@link IOException}, {@link Fer2013FormatException} for the header) or hands out rows, each of them a full 48x48
 * face with a label among the seven classes, reporting malformed rows as {@link Fer2013FormatException} and reading
 * on; a broken gzip stream mid-file is an {@link UncheckedIOException}. Nothing else escapes. The committed corpus
 * ({@code Fer2013CsvReaderFuzzTestInputs/readsAnyBytes/}) has every Kaggle shape, gzip-compressed and plain.
 */
class Fer2013CsvReaderFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void readsAnyBytes(byte[] data) {
        Fer2013CsvReader reader;
        try {
            reader = Fer2013CsvReader.open("fuzz.csv", new ByteArrayInputStream(data));
        } catch (IOException | Fer2013FormatException refusedAtOpen) {
            return;
        }
        try (reader) {
            long[] rows = {0};
            long good = reader.forEach(row -> {
                rows[0]++;
                assertThat(row.face().pixels()).hasSize(48 * 48);
                assertThat(row.id()).isNotBlank();
                if (reader.hasLabels()) {
                    assertThat(row.label()).isNotNull();
                } else {
                    assertThat(row.label()).isNull();
                }
            }, malformed -> assertThat(malformed.line()).isPositive());
            assertThat(good).isEqualTo(rows[0]);
        } catch (UncheckedIOException brokenStream) {
            assertThat(brokenStream.getCause()).isInstanceOf(IOException.class);
        } catch (IOException closeFailed) {
            throw new AssertionError("closing an in-memory stream failed", closeFailed);
        }
    }
}
