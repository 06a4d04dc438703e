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
import dev.emostream.model.inference.EmotionPrediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

    @Mixin
    AlternatingRuns.Options runs = new AlternatingRuns.Options();

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = runs.faces();
        AppConfig folded = config(true);
        AppConfig asTrained = config(false);
        int batch = folded.settings().batchSize();

        double[] foldedIps;
        double[] asTrainedIps;
        String setup;
        try (RawInference f = RawInference.likeTheApp(file, faces, folded);
             RawInference t = RawInference.likeTheApp(file, faces, asTrained)) {
            setup = t.setup() + " / folded";
            double[][] ips = AlternatingRuns.measure(List.of(t, f), List.of("as trained", "folded"), batch, runs,
                    "fold");
            asTrainedIps = ips[0];
            foldedIps = ips[1];
        }
        double speedup = Results.median(foldedIps) / Results.median(asTrainedIps);

        ModelArtifact artifact = ModelArtifact.load(file);
        List<EmotionPrediction> p = AlternatingRuns.classify(ServingModel.of(artifact, file.toString(), true), faces,
                batch);
        List<EmotionPrediction> q = AlternatingRuns.classify(ServingModel.of(artifact, file.toString(), false), faces,
                batch);
        int agree = 0;
        double maxDiff = 0;
        for (int i = 0; i < faces.size(); i++) {
            agree += p.get(i).predicted() == q.get(i).predicted() ? 1 : 0;
            for (int k = 0; k < p.get(i).scores().length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(p.get(i).scores()[k] - q.get(i).scores()[k]));
            }
        }
        Double accuracyFolded = AlternatingRuns.accuracy(p, faces);
        Double accuracyAsTrained = AlternatingRuns.accuracy(q, faces);
        double agreement = (double) agree / faces.size();

        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("network", "faces/s (median)", "min", "max", "accuracy"));
        rows.add(Results.row("as trained", Results.median(asTrainedIps), Results.min(asTrainedIps),
                Results.max(asTrainedIps), accuracyAsTrained == null ? "-" : Results.fmt(accuracyAsTrained)));
        rows.add(Results.row("folded", Results.median(foldedIps), Results.min(foldedIps), Results.max(foldedIps),
                accuracyFolded == null ? "-" : Results.fmt(accuracyFolded)));
        System.out.println("batch norm folded, model " + artifact.metadata().version() + " (" + file + "), " + setup
                + ", batch " + batch + ", " + runs.rounds + " alternating runs of " + RawInference.SUSTAINED_IMAGES
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
        body.put("accuracyAsTrained", accuracyAsTrained);
        body.put("accuracyFolded", accuracyFolded);
        System.out.println("json: " + Results.write("fold", body));
        System.out.printf("fold: speedup=%.3f agreement=%.4f max_prob_diff=%.2e%n", speedup, agreement, maxDiff);
        return 0;
    }

    private static AppConfig config(boolean fold) {
        Map<String, String> app = new LinkedHashMap<>(AppConfig.defaults());
        app.put(AppConfig.MODEL_FOLD_BATCH_NORM, Boolean.toString(fold));
        return new AppConfig(app);
    }
}
