package dev.emostream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.model.ServingModel;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Batch norm folded against the network as trained, in one process: the model's sustained speed each way as the app
 * runs it (timed runs alternate, so drift between minutes falls on both), then both classify every face of the data
 * and are compared.
 */
@Command(name = "fold", mixinStandardHelpOptions = true,
        description = "Serving speed with batch norm folded into the convolutions against the network as trained, "
                + "and their agreement on every face; ends with `fold: speedup=X agreement=A max_prob_diff=D`.")
final class FoldCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV to compare on (default: public_test.csv.gz of the shared "
            + "data, else the bundled sample's test faces).")
    Path data;

    @Option(names = "--rounds", defaultValue = "7",
            description = "Timed runs each way, alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs each way first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), Integer.MAX_VALUE);
        AppConfig folded = config(true);
        AppConfig asTrained = config(false);
        int batch = folded.settings().batchSize();

        double[] foldedIps = new double[rounds];
        double[] asTrainedIps = new double[rounds];
        String setup;
        try (RawInference f = RawInference.likeTheApp(file, faces, folded);
             RawInference t = RawInference.likeTheApp(file, faces, asTrained)) {
            setup = t.setup() + " / folded";
            t.measure(batch, warmup, 0, RawInference.SUSTAINED_IMAGES);
            f.measure(batch, warmup, 0, RawInference.SUSTAINED_IMAGES);
            for (int r = 0; r < rounds; r++) {
                asTrainedIps[r] = t.measure(batch, 0, 1, RawInference.SUSTAINED_IMAGES).imagesPerSecond()[0];
                foldedIps[r] = f.measure(batch, 0, 1, RawInference.SUSTAINED_IMAGES).imagesPerSecond()[0];
                System.err.printf("fold: round %d/%d: as trained %.0f, folded %.0f faces/s%n", r + 1, rounds,
                        asTrainedIps[r], foldedIps[r]);
            }
        }
        double speedup = Results.median(foldedIps) / Results.median(asTrainedIps);

        ModelArtifact artifact = ModelArtifact.load(file);
        List<EmotionPrediction> p = classify(ServingModel.of(artifact, file.toString(), true), faces, batch);
        List<EmotionPrediction> q = classify(ServingModel.of(artifact, file.toString(), false), faces, batch);
        int agree = 0;
        int correctFolded = 0;
        int correctAsTrained = 0;
        int labeled = 0;
        double maxDiff = 0;
        for (int i = 0; i < faces.size(); i++) {
            agree += p.get(i).predicted() == q.get(i).predicted() ? 1 : 0;
            for (int k = 0; k < p.get(i).scores().length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(p.get(i).scores()[k] - q.get(i).scores()[k]));
            }
            if (faces.get(i).label() != null) {
                labeled++;
                correctFolded += p.get(i).predicted() == faces.get(i).label() ? 1 : 0;
                correctAsTrained += q.get(i).predicted() == faces.get(i).label() ? 1 : 0;
            }
        }
        double agreement = (double) agree / faces.size();

        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("network", "faces/s (median)", "min", "max", "accuracy"));
        rows.add(Results.row("as trained", Results.median(asTrainedIps), Results.min(asTrainedIps),
                Results.max(asTrainedIps), labeled == 0 ? "-" : Results.fmt((double) correctAsTrained / labeled)));
        rows.add(Results.row("folded", Results.median(foldedIps), Results.min(foldedIps), Results.max(foldedIps),
                labeled == 0 ? "-" : Results.fmt((double) correctFolded / labeled)));
        System.out.println("batch norm folded, model " + artifact.metadata().version() + " (" + file + "), " + setup
                + ", batch " + batch + ", " + rounds + " alternating runs of " + RawInference.SUSTAINED_IMAGES
                + " faces each way; compared on " + faces.size() + " faces:");
        System.out.print(Results.table(rows));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", file.toString());
        body.put("modelVersion", artifact.metadata().version());
        body.put("setup", setup);
        body.put("batch", batch);
        body.put("asTrainedImagesPerSecond", asTrainedIps);
        body.put("foldedImagesPerSecond", foldedIps);
        body.put("speedup", speedup);
        body.put("faces", faces.size());
        body.put("agreement", agreement);
        body.put("maxProbDiff", maxDiff);
        body.put("accuracyAsTrained", labeled == 0 ? null : (double) correctAsTrained / labeled);
        body.put("accuracyFolded", labeled == 0 ? null : (double) correctFolded / labeled);
        System.out.println("json: " + Results.write("fold", body));
        System.out.printf("fold: speedup=%.3f agreement=%.4f max_prob_diff=%.2e%n", speedup, agreement, maxDiff);
        return 0;
    }

    private static AppConfig config(boolean fold) {
        Map<String, String> app = new LinkedHashMap<>(AppConfig.defaults());
        app.put(AppConfig.MODEL_FOLD_BATCH_NORM, Boolean.toString(fold));
        return new AppConfig(app);
    }

    /** In the app's batches, as its inference threads call the model. */
    private static List<EmotionPrediction> classify(ServingModel served, List<Fer2013Row> faces, int batch) {
        List<EmotionPrediction> out = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i += batch) {
            List<FaceImage> chunk = faces.subList(i, Math.min(faces.size(), i + batch)).stream()
                    .map(Fer2013Row::face).toList();
            out.addAll(served.classify(chunk));
        }
        return out;
    }
}
