package dev.emostream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.csv.Fer2013Row;

/** The Kaggle public test faces every figure runs on (real faces: resizing and Avro sizes are the real ones). */
final class Faces {

    private Faces() {
    }

    /** The full public test where {@link Fer2013Files} finds it, else the bundled sample's (and a note saying so). */
    static Path defaultCsv() {
        Fer2013Files files = Fer2013Files.find();
        return files.full(Fer2013Files.PUBLIC_TEST).orElseGet(() -> {
            System.err.println("bench: " + files.missing(Fer2013Files.PUBLIC_TEST) + "; using the bundled sample");
            return files.sample(Fer2013Files.PUBLIC_TEST_SAMPLE);
        });
    }

    /** The first {@code limit} rows of {@code csv}. */
    static List<Fer2013Row> load(Path csv, int limit) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IOException("no faces at " + csv.toAbsolutePath() + ": pass --data or -D" + Fer2013Files.DIR_PROPERTY);
        }
        List<Fer2013Row> rows = new ArrayList<>(Math.min(limit, 4096));
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(csv)) {
            Optional<Fer2013Row> r;
            while (rows.size() < limit && (r = reader.next()).isPresent()) {
                rows.add(r.get());
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(csv + " has no faces");
        }
        return rows;
    }
}
