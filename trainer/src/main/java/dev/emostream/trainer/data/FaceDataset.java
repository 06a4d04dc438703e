package dev.emostream.trainer.data;

import dev.emostream.model.Emotion;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Faces held in memory at the recipe's canonical size (28,709 FER2013 faces take 66 MB), with their
 * ids and labels (-1 when the CSV has none).
 */
public final class FaceDataset {

    private final String name;
    private final List<FaceImage> faces;
    private final List<String> ids;
    private final int[] labels;

    public FaceDataset(String name, List<FaceImage> faces, List<String> ids, int[] labels) {
        this.name = name;
        this.faces = faces;
        this.ids = ids;
        this.labels = labels;
    }

    /** Reads a whole CSV; a malformed row stops the load with its line number. */
    public static FaceDataset read(Path csv, FacePreprocessor preprocessor) throws IOException {
        List<FaceImage> faces = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(csv)) {
            Optional<Fer2013Row> row;
            while ((row = reader.next()).isPresent()) {
                Fer2013Row r = row.get();
                faces.add(preprocessor.canonical(r.face()));
                ids.add(r.id());
                labels.add(r.label() == null ? -1 : r.label().code());
            }
        }
        return new FaceDataset(csv.getFileName().toString(), faces, ids,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    public String name() {
        return name;
    }

    public int size() {
        return faces.size();
    }

    public FaceImage face(int i) {
        return faces.get(i);
    }

    public String id(int i) {
        return ids.get(i);
    }

    /** The Kaggle code of face {@code i}, or -1 when unlabeled. */
    public int label(int i) {
        return labels[i];
    }

    public boolean labeled() {
        for (int label : labels) {
            if (label < 0) {
                return false;
            }
        }
        return labels.length > 0;
    }

    public List<FaceImage> faces() {
        return faces;
    }

    public int[] classCounts() {
        int[] counts = new int[Emotion.COUNT];
        for (int label : labels) {
            if (label >= 0) {
                counts[label]++;
            }
        }
        return counts;
    }

    public FaceDataset subset(String subsetName, int[] indices) {
        List<FaceImage> f = new ArrayList<>(indices.length);
        List<String> i = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            f.add(faces.get(indices[k]));
            i.add(ids.get(indices[k]));
            l[k] = labels[indices[k]];
        }
        return new FaceDataset(subsetName, f, i, l);
    }

    public static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
