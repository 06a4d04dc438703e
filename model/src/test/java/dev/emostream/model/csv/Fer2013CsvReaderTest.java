package dev.emostream.model.csv;

import dev.emostream.model.Emotion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class Fer2013CsvReaderTest {

    private static final String PIXELS = "7 ".repeat(2303) + "255";

    @Test
    @DisplayName("reads the full public test split: 3,589 faces with the class counts of its README")
    void readsPublicTest() throws IOException {
        Fer2013Files data = Fer2013Files.find();
        Optional<Path> publicTest = data.full(Fer2013Files.PUBLIC_TEST);
        assumeTrue(publicTest.isPresent(), () -> data.missing(Fer2013Files.PUBLIC_TEST));
        assertThat(classCounts(publicTest.get(), 3589)).containsExactly(467, 56, 496, 895, 653, 415, 607);
    }

    @Test
    @DisplayName("reads the bundled sample: 1,600 training and 800 test faces with the class counts of its README")
    void readsSample() throws IOException {
        Fer2013Files data = Fer2013Files.find();
        assertThat(classCounts(data.sample(Fer2013Files.TRAIN_SAMPLE), 1600))
                .containsExactly(223, 24, 228, 402, 269, 177, 277);
        assertThat(classCounts(data.sample(Fer2013Files.PUBLIC_TEST_SAMPLE), 800))
                .containsExactly(104, 12, 111, 199, 146, 93, 135);
    }

    /** Faces per class of a labeled id,emotion,pixels file, checking its row count and that no row is malformed. */
    private static int[] classCounts(Path csv, long expectedRows) throws IOException {
        int[] counts = new int[Emotion.COUNT];
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(csv)) {
            assertThat(reader.hasIds()).isTrue();
            assertThat(reader.hasLabels()).isTrue();
            long rows = reader.forEach(r -> counts[r.label().code()]++, e -> {
                throw e;
            });
            assertThat(rows).as("rows of %s", csv).isEqualTo(expectedRows);
        }
        return counts;
    }

    @Test
    @DisplayName("reads every Kaggle shape: id,emotion,pixels / emotion,pixels / emotion,pixels,Usage / id,pixels / pixels")
    void readsEveryShape() throws IOException {
        assertThat(only("id,emotion,pixels\n42,3," + PIXELS + "\n")).satisfies(r -> {
            assertThat(r.id()).isEqualTo("42");
            assertThat(r.label()).isEqualTo(Emotion.HAPPY);
        });
        assertThat(only("emotion,pixels\n6," + PIXELS + "\n")).satisfies(r -> {
            assertThat(r.id()).isEqualTo("0");
            assertThat(r.label()).isEqualTo(Emotion.NEUTRAL);
        });
        assertThat(only("emotion,pixels,Usage\n0," + PIXELS + ",PrivateTest\n")).satisfies(r -> {
            assertThat(r.usage()).isEqualTo("PrivateTest");
            assertThat(r.label()).isEqualTo(Emotion.ANGRY);
        });
        assertThat(only("id,pixels\n9," + PIXELS + "\n")).satisfies(r -> {
            assertThat(r.id()).isEqualTo("9");
            assertThat(r.label()).isNull();
        });
        assertThat(only("pixels\n" + PIXELS + "\n")).satisfies(r -> {
            assertThat(r.id()).isEqualTo("0");
            assertThat(r.face().at(0, 0)).isEqualTo(7);
            assertThat(r.face().at(47, 47)).isEqualTo(255);
        });
    }

    @Test
    @DisplayName("reads gzip and plain files alike, with quoted pixel fields")
    void readsGzipAndQuotes() throws IOException {
        String csv = "emotion,pixels\n1,\"" + PIXELS + "\"\n";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(csv.getBytes(StandardCharsets.US_ASCII));
        }
        try (Fer2013CsvReader reader = Fer2013CsvReader.open("mem.csv.gz", new ByteArrayInputStream(gz.toByteArray()))) {
            assertThat(reader.next()).get().extracting(Fer2013Row::label).isEqualTo(Emotion.DISGUST);
        }
    }

    @Test
    @DisplayName("reports malformed rows with their line numbers and goes on with the rest")
    void reportsMalformedRows() throws IOException {
        String csv = "id,emotion,pixels\n"
                + "1,3," + PIXELS + "\n"                      // line 2: good
                + "2,3," + "7 ".repeat(2302) + "7\n"           // line 3: 2303 pixels
                + "3,3," + PIXELS.replaceFirst("7", "x") + "\n" // line 4: not a number
                + "4,9," + PIXELS + "\n"                      // line 5: label out of range
                + "5,4," + PIXELS + "\n";                     // line 6: good
        List<Fer2013Row> good = new ArrayList<>();
        List<Fer2013FormatException> bad = new ArrayList<>();
        try (Fer2013CsvReader reader = reader(csv)) {
            reader.forEach(good::add, bad::add);
        }
        assertThat(good).extracting(Fer2013Row::id).containsExactly("1", "5");
        assertThat(bad).extracting(Fer2013FormatException::line).containsExactly(3L, 4L, 5L);
        assertThat(bad.get(0)).hasMessageContaining("line 3").hasMessageContaining("2303 pixels, expected 48x48 = 2304");
        assertThat(bad.get(1)).hasMessageContaining("line 4").hasMessageContaining("not a number");
        assertThat(bad.get(2)).hasMessageContaining("line 5").hasMessageContaining("emotion 9 is out of range 0..6");
    }

    @Test
    @DisplayName("refuses a file without a pixels column, naming the header")
    void refusesUnknownHeader() {
        assertThatThrownBy(() -> reader("id,emotion\n1,2\n"))
                .isInstanceOf(Fer2013FormatException.class).hasMessageContaining("no 'pixels' column");
    }

    private static Fer2013Row only(String csv) throws IOException {
        try (Fer2013CsvReader reader = reader(csv)) {
            Fer2013Row row = reader.next().orElseThrow();
            assertThat(reader.next()).isEmpty();
            return row;
        }
    }

    private static Fer2013CsvReader reader(String csv) throws IOException {
        return Fer2013CsvReader.open("test.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.US_ASCII)));
    }
}
