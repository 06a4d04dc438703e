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
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Several model artifacts served side by side as the app serves them (its batch, networks and threads, batch norm
 * folded), their timed runs alternating, then each one's accuracy on the data: the figure to choose a model by. A
 * model with fewer test-time views is another artifact ({@code bin/trainer export --tta none}).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Serving speed of several model artifacts side by side, as the app serves them, and their "
                + "accuracy; ends with `models: <version>=<faces/s> ... ratio=<last/first>`.")
final class ModelsCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "MODEL", description = "Model artifacts (*.model.zip) or folders (the "
            + "newest artifact in each); the first is the one the others are compared with.")
    List<Path> models;

    @Mixin
    AlternatingRuns.Options runs = new AlternatingRuns.Options();

    @Override
    public Integer call() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path m : models) {
            files.add(ModelLocator.resolve(m).toAbsolutePath());
        }
        List<Fer2013Row> faces = runs.faces();
        AppConfig app = new AppConfig(AppConfig.defaults());
        int batch = app.settings().batchSize();

        List<RawInference> ways = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> views = new ArrayList<>();
        double[][] ips;
        String setup;
        try {
            for (Path file : files) {
                RawInference raw = RawInference.likeTheApp(file, faces, app);
                ways.add(raw);
                names.add(raw.version);
                views.add(ModelArtifact.readMetadata(file).preprocessing().views().size());
            }
            setup = ways.get(0).setup();
            ips = AlternatingRuns.measure(ways, names, batch, runs, "models");
        } finally {
            ways.forEach(RawInference::close);
        }

        List<Double> accuracies = new ArrayList<>();
        for (Path file : files) {
            ModelArtifact artifact = ModelArtifact.load(file);
            accuracies.add(AlternatingRuns.accuracy(AlternatingRuns.classify(
                    ServingModel.of(artifact, file.toString(), app.foldBatchNorm()), faces, batch), faces));
        }

        double first = Results.median(ips[0]);
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("model", "views a face", "faces/s (median)", "min", "max", "x first", "accuracy"));
        List<Map<String, Object>> json = new ArrayList<>();
        StringBuilder summary = new StringBuilder("models:");
        for (int i = 0; i < files.size(); i++) {
            double median = Results.median(ips[i]);
            Double accuracy = accuracies.get(i);
            rows.add(Results.row(names.get(i), views.get(i), median, Results.min(ips[i]), Results.max(ips[i]),
                    median / first, accuracy == null ? "-" : Results.fmt(accuracy)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", files.get(i).toString());
            m.put("modelVersion", names.get(i));
            m.put("viewsPerFace", views.get(i));
            m.put("imagesPerSecond", ips[i]);
            m.put("imagesPerSecondMedian", median);
            m.put("ratioToFirst", median / first);
            m.put("accuracy", accuracy);
            json.add(m);
            summary.append(String.format(" %s=%.0f", names.get(i), median));
        }
        System.out.println("models side by side, " + setup + ", batch " + batch + ", " + runs.rounds
                + " alternating runs of " + RawInference.SUSTAINED_IMAGES + " faces each; accuracy on " + faces.size()
                + " faces:");
        System.out.print(Results.table(rows));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("setup", setup);
        body.put("batch", batch);
        body.put("faces", faces.size());
        body.put("models", json);
        System.out.println("json: " + Results.write("models", body));
        System.out.println(summary.append(String.format(" ratio=%.3f", Results.median(ips[files.size() - 1]) / first)));
        return 0;
    }
}
