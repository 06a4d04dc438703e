package dev.emostream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Row;

/** The Kaggle public test faces every figure runs on (real faces: resizing and Avro sizes are the real ones). */
final class Faces {

    static final String DATA_PROPERTY = "emostream.fer2013.dir";

    private Faces() {
    }

    static Path defaultCsv() {
        return Path.of(System.getProperty(DATA_PROPERTY, "../shared/data/fer2013"), "public_test.csv.gz");
    }

    /** The first {@code limit} rows of {@code csv}. */
    static List<Fer2013Row> load(Path csv, int limit) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new IOException("no faces at " + csv.toAbsolutePath() + ": pass --data or -D" + DATA_PROPERTY);
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
