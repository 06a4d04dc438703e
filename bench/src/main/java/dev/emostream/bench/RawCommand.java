package dev.emostream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.app.config.AppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Figure "raw inference": images/s and ms per batch at several batch sizes, median of timed runs after warm-up. */
@Command(name = "raw", mixinStandardHelpOptions = true,
        description = "The model's own batched inference speed on preprocessed public-test faces.")
final class RawCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32,64,128",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs per batch size (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per batch size (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--min-images", defaultValue = "256",
            description = "Faces per timed run, at least (default: ${DEFAULT-VALUE}).")
    int minImages;

    @Option(names = "--networks", paramLabel = "N",
            description = "Batches run at once, each on its own network and thread (default: the app's "
                    + "classifier.batches.in.flight, one per core).")
    Integer networks;

    @Option(names = "--native-threads", paramLabel = "N",
            description = "Native threads per forward pass (default: the app's classifier.native.threads, the cores "
                    + "shared evenly by the networks).")
    Integer nativeThreads;

    @Option(names = "--as-trained", description = "Serve the network as trained: batch norm not folded into the "
            + "convolutions (the app's model.fold.batch.norm=false).")
    boolean asTrained;

    @Option(names = "--profile", description = "Sample the timed runs' CPU (async-profiler): the stacks go to "
            + "results/<name>-batch<B>.collapsed, the costs named in ModelCostProfile are printed.")
    boolean profile;

    @Option(names = "--name", defaultValue = "raw", description = "JSON file name under results/ (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        Map<String, String> app = new LinkedHashMap<>(AppConfig.defaults());
        if (networks != null) {
            app.put(AppConfig.BATCHES_IN_FLIGHT, networks.toString());
        }
        if (asTrained) {
            app.put(AppConfig.MODEL_FOLD_BATCH_NORM, "false");
        }
        if (nativeThreads != null) {
            app.put(AppConfig.NATIVE_THREADS, nativeThreads.toString());
        }
        try (RawInference raw = RawInference.likeTheApp(file, Faces.load(data != null ? data : Faces.defaultCsv(), 256),
                new AppConfig(app))) {
            List<RawInference.Result> results = new ArrayList<>();
            for (int b : batches) {
                raw.measure(b, warmup, 0, minImages);
                CpuProfile sampling = profile ? CpuProfile.start() : null;
                results.add(raw.measure(b, 0, runs, minImages));
                if (sampling != null) {
                    String stacks = sampling.stop().collapsed();
                    Path stacksFile = Results.folder().resolve(name + "-batch" + b + ".collapsed");
                    Files.createDirectories(stacksFile.getParent());
                    Files.writeString(stacksFile, stacks);
                    System.out.println("where the model's threads spend their CPU, batch " + b + " (stacks: " + stacksFile
                            + "):");
                    System.out.print(ModelCostProfile.table(ModelCostProfile.of(stacks)));
                }
                System.err.printf("raw: batch %d done%n", b);
            }
            System.out.println("raw inference, model " + raw.version + " (" + file + "), " + raw.setup()
                    + ", median of " + runs + " runs after " + warmup + " warm-up runs:");
            System.out.print(table(results));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("model", file.toString());
            body.put("modelVersion", raw.version);
            body.put("setup", raw.setup());
            body.put("warmupRuns", warmup);
            body.put("runs", runs);
            body.put("results", json(results));
            System.out.println("json: " + Results.write(name, body));
        }
        return 0;
    }

    static String table(List<RawInference.Result> results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("batch", "images/s (median)", "min", "max", "ms/batch (median)", "spread %"));
        for (RawInference.Result r : results) {
            double med = r.medianIps();
            double lo = Results.min(r.imagesPerSecond());
            double hi = Results.max(r.imagesPerSecond());
            rows.add(Results.row(r.batch(), med, lo, hi, r.msPerBatch(med), 100 * (hi - lo) / med));
        }
        return Results.table(rows);
    }

    static List<Map<String, Object>> json(List<RawInference.Result> results) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RawInference.Result r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", r.batch());
            m.put("imagesPerSecondMedian", r.medianIps());
            m.put("imagesPerSecondMin", Results.min(r.imagesPerSecond()));
            m.put("imagesPerSecondMax", Results.max(r.imagesPerSecond()));
            m.put("msPerBatchMedian", r.msPerBatch(r.medianIps()));
            m.put("imagesPerSecondRuns", r.imagesPerSecond());
            out.add(m);
        }
        return out;
    }
}
