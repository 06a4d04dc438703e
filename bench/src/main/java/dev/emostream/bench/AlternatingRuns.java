package dev.emostream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.emostream.app.model.ServingModel;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;
import picocli.CommandLine.Option;

/**
 * Several ways of serving timed side by side in one process: sustained runs take turns, so the drift of a shared
 * machine between minutes falls on all of them alike, and only their ratios are read.
 */
final class AlternatingRuns {

    /** The options of a command built on alternating runs: the faces, the rounds, the warm-up. */
    static final class Options {

        @Option(names = "--data", description = "FER2013 CSV to serve and score (default: public_test.csv.gz of the "
                + "shared data, else the bundled sample's test faces).")
        Path data;

        @Option(names = "--rounds", defaultValue = "7",
                description = "Timed runs of each, alternating (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--warmup", defaultValue = "2",
                description = "Untimed runs of each first (default: ${DEFAULT-VALUE}).")
        int warmup;

        List<Fer2013Row> faces() throws IOException {
            return Faces.load(data != null ? data : Faces.defaultCsv(), Integer.MAX_VALUE);
        }
    }

    private AlternatingRuns() {
    }

    /**
     * @return faces/s of each way in each round, {@code [way][round]}, after {@code warmup} untimed runs each
     */
    static double[][] measure(List<RawInference> ways, List<String> names, int batch, Options options,
                              String command) {
        int rounds = options.rounds;
        for (RawInference way : ways) {
            way.measure(batch, options.warmup, 0, RawInference.SUSTAINED_IMAGES);
        }
        double[][] ips = new double[ways.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder(command + ": round " + (r + 1) + "/" + rounds + ":");
            for (int w = 0; w < ways.size(); w++) {
                ips[w][r] = ways.get(w).measure(batch, 0, 1, RawInference.SUSTAINED_IMAGES).imagesPerSecond()[0];
                line.append(String.format(" %s %.0f", names.get(w), ips[w][r]));
            }
            System.err.println(line.append(" faces/s"));
        }
        return ips;
    }

    /** Every face classified in the app's batches, as its inference threads call the model. */
    static List<EmotionPrediction> classify(ServingModel served, List<Fer2013Row> faces, int batch) {
        List<EmotionPrediction> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i += batch) {
            List<FaceImage> chunk = faces.subList(i, Math.min(faces.size(), i + batch)).stream()
                    .map(Fer2013Row::face).toList();
            out.addAll(served.classify(chunk));
        }
        return out;
    }

    /** The share of labeled faces predicted right, or null when none is labeled. */
    static Double accuracy(List<EmotionPrediction> predictions, List<Fer2013Row> faces) {
        int labeled = 0;
        int correct = 0;
        for (int i = 0; i < faces.size(); i++) {
            if (faces.get(i).label() != null) {
                labeled++;
                correct += predictions.get(i).predicted() == faces.get(i).label() ? 1 : 0;
            }
        }
        return labeled == 0 ? null : (double) correct / labeled;
    }
}
