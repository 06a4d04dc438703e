import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Draws the bundled FER2013 sample from the full CSVs: a seeded, class-stratified subset of each split, rows kept
 * in the order of the full file, written as gzip at the highest level (Java writes no timestamp in the gzip header,
 * so the same input and seed give the same bytes). Run from the repository root:
 *
 *   java data/fer2013-sample/DrawSample.java ../shared/data/fer2013 data/fer2013-sample
 */
public final class DrawSample {

    static final long SEED = 20261129L;
    static final int CLASSES = 7;

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java DrawSample.java FULL_DIR OUT_DIR");
            System.exit(2);
        }
        Path full = Path.of(args[0]);
        Path out = Path.of(args[1]);
        draw(full.resolve("train.csv.gz"), out.resolve("train_sample.csv.gz"), 1600);
        draw(full.resolve("public_test.csv.gz"), out.resolve("public_test_sample.csv.gz"), 800);
    }

    static void draw(Path in, Path out, int size) throws IOException {
        List<String> lines = new ArrayList<>();
        String header;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(in)),
                StandardCharsets.US_ASCII))) {
            header = r.readLine();
            if (!"id,emotion,pixels".equals(header)) {
                throw new IOException(in + ": expected the header id,emotion,pixels, found " + header);
            }
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int from = line.indexOf(',') + 1;
            byClass.get(Integer.parseInt(line.substring(from, line.indexOf(',', from)))).add(i);
        }
        int[] quota = quotas(byClass, lines.size(), size);
        Random random = new Random(SEED);
        TreeSet<Integer> chosen = new TreeSet<>();
        for (int c = 0; c < CLASSES; c++) {
            List<Integer> rows = new ArrayList<>(byClass.get(c));
            Collections.shuffle(rows, random);
            chosen.addAll(rows.subList(0, quota[c]));
        }
        try (OutputStream file = Files.newOutputStream(out);
             GZIPOutputStream gz = new GZIPOutputStream(file) {
                 {
                     def.setLevel(Deflater.BEST_COMPRESSION);
                 }
             };
             Writer w = new OutputStreamWriter(gz, StandardCharsets.US_ASCII)) {
            w.write(header + "\n");
            for (int i : chosen) {
                w.write(lines.get(i) + "\n");
            }
        }
        StringBuilder counts = new StringBuilder();
        for (int c = 0; c < CLASSES; c++) {
            counts.append(c == 0 ? "" : "/").append(quota[c]);
        }
        System.out.printf("%s: %d of %d faces, per class %s, %d bytes%n", out, size, lines.size(), counts,
                Files.size(out));
    }

    /** Each class's share of {@code size}, by the largest remainder so the shares add up to {@code size}. */
    static int[] quotas(List<List<Integer>> byClass, int total, int size) {
        int[] quota = new int[CLASSES];
        double[] remainder = new double[CLASSES];
        int given = 0;
        for (int c = 0; c < CLASSES; c++) {
            double exact = (double) byClass.get(c).size() * size / total;
            quota[c] = (int) exact;
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        for (; given < size; given++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (remainder[c] > remainder[best]) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
        }
        return quota;
    }
}
