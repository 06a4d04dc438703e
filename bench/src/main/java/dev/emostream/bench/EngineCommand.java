package dev.emostream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import dev.emostream.app.config.AppConfig;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.engine.HelperPathCheck;
import dev.emostream.model.engine.OneDnnHelpers;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.inference.NativeThreads;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "engine": DL4J's oneDNN helper path against its built-in path, side by side in one process, on the shipped
 * model and real faces: training images/s, serving faces/s as the app runs them, the largest layer-by-layer
 * difference ({@link HelperPathCheck}), prediction agreement, and efficiency against ND4J's own sgemm.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "oneDNN helper path vs built-in path: speed, correctness and efficiency, in one run.")
final class EngineCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating timed rounds per path (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--train-batch", defaultValue = "64", description = "Training batch (default: ${DEFAULT-VALUE}).")
    int trainBatch;

    @Option(names = "--train-steps", defaultValue = "6", description = "Timed training steps per round (default: ${DEFAULT-VALUE}).")
    int trainSteps;

    @Option(names = "--serve-batch", defaultValue = "32", description = "Serving batch (default: ${DEFAULT-VALUE}).")
    int serveBatch;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), Integer.MAX_VALUE);
        ModelArtifact artifact = ModelArtifact.load(file);
        PreprocessingRecipe recipe = artifact.metadata().preprocessing();
        System.err.printf("engine: %s, %d faces, native build %s%n", artifact.metadata().version(), faces.size(),
                OneDnnHelpers.nativeBuild());

        NativeThreads.perForwardPass(NativeThreads.evenShare(1));
        double sgemm = sgemmGflops(2048, 5);
        System.err.printf(Locale.ROOT, "sgemm 2048: %.1f GFLOPS%n", sgemm);
        // training is timed on the first member; serving runs every member, as the app does
        double forwardFlops = forwardFlops(artifact.networks().get(0), recipe.cropSize());
        double servedFlops = artifact.networks().stream().mapToDouble(n -> forwardFlops(n, recipe.cropSize())).sum();

        DataSet batch = HelperPathCheck.batch(faces.subList(0, Math.min(trainBatch, faces.size())), recipe);
        double[][] train = trainImagesPerSecond(artifact, batch);
        System.err.printf(Locale.ROOT, "training img/s: built-in %.1f, helpers %.1f%n", Results.median(train[0]),
                Results.median(train[1]));

        double[][] serve = serveFacesPerSecond(file, faces);
        System.err.printf(Locale.ROOT, "serving faces/s: built-in %.1f, helpers %.1f%n", Results.median(serve[0]),
                Results.median(serve[1]));

        NativeThreads.perForwardPass(NativeThreads.evenShare(1));
        HelperPathCheck.Result check = HelperPathCheck.compare(() -> artifact.networks().get(0).clone(), batch);
        double agreement = agreement(artifact, faces);

        double trainOld = Results.median(train[0]);
        double trainNew = Results.median(train[1]);
        double serveOld = Results.median(serve[0]);
        double serveNew = Results.median(serve[1]);
        int views = recipe.views().size();
        double trainGflops = trainNew * 3 * forwardFlops / 1e9;
        double inferGflops = serveNew * views * servedFlops / 1e9;

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", file.toString());
        body.put("modelVersion", artifact.metadata().version());
        body.put("nativeBuild", OneDnnHelpers.nativeBuild());
        body.put("helpers", OneDnnHelpers.helpersOf(artifact.networks().get(0)));
        body.put("forwardMflopPerView", forwardFlops / 1e6);
        body.put("views", views);
        body.put("sgemmGflops2048", sgemm);
        body.put("trainBatch", trainBatch);
        body.put("trainImagesPerSecondBuiltIn", train[0]);
        body.put("trainImagesPerSecondHelpers", train[1]);
        body.put("serveSetup", "as the app: " + AppConfig.defaults().get(AppConfig.BATCHES_IN_FLIGHT) + " batches in flight, batch " + serveBatch);
        body.put("serveFacesPerSecondBuiltIn", serve[0]);
        body.put("serveFacesPerSecondHelpers", serve[1]);
        body.put("maxRelativeDifference", Map.of("inferenceActivations", check.inferenceActivations(),
                "trainingActivations", check.trainingActivations(), "gradients", check.gradients(),
                "gradientRoundingFloor", check.gradientFloor(), "gradientExcessOverAllowance", check.gradientExcess(),
                "runningStatistics", check.runningStatistics(), "helperRepeat", check.helperRepeat()));
        body.put("perArray", check.perArray());
        body.put("agreement", agreement);
        System.out.println("json: " + Results.write("engine", body));
        System.out.printf(Locale.ROOT, "engine: train_speedup=%.2f infer_speedup=%.2f grad_max_rel_diff=%.2e "
                        + "grad_rounding_floor=%.2e grad_excess=%.2f agreement=%.4f sgemm_gflops=%.0f train_gflops=%.1f infer_gflops=%.1f%n",
                trainNew / trainOld, serveNew / serveOld, check.gradients(), check.gradientFloor(),
                check.gradientExcess(), agreement, sgemm, trainGflops, inferGflops);
        return 0;
    }

    /** Median GFLOPS of an n x n x n single-precision matrix product, ND4J's BLAS on the default threads. */
    static double sgemmGflops(int n, int runs) {
        INDArray a = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, n);
        a.mmuli(b, c);
        double[] gflops = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            a.mmuli(b, c);
            gflops[r] = 2.0 * n * n * n / (System.nanoTime() - t);
        }
        return Results.median(gflops);
    }

    /** Floating-point operations of one forward pass of one view: 2 per multiply-add of the conv and dense layers. */
    static double forwardFlops(ComputationGraph network, int crop) {
        Map<String, INDArray> acts = network.feedForward(Nd4j.zeros(1, 1, crop, crop), false);
        double flops = 0;
        for (Layer layer : network.getLayers()) {
            String name = layer.getConfig().getLayerName();
            Object conf = layer.getConfig();
            if (conf instanceof ConvolutionLayer c) {
                long[] out = acts.get(name).shape();
                flops += 2.0 * out[1] * out[2] * out[3] * c.getKernelSize()[0] * c.getKernelSize()[1] * c.getNIn();
            } else if (conf instanceof DenseLayer d) {
                flops += 2.0 * d.getNIn() * d.getNOut();
            } else if (conf instanceof OutputLayer o) {
                flops += 2.0 * o.getNIn() * o.getNOut();
            }
        }
        return flops;
    }

    /** [built-in, helpers]: images/s of each timed step; the paths alternate round by round. */
    private double[][] trainImagesPerSecond(ModelArtifact artifact, DataSet batch) {
        ComputationGraph[] nets = {OneDnnHelpers.build(false, () -> artifact.networks().get(0).clone()),
                OneDnnHelpers.build(true, () -> artifact.networks().get(0).clone())};
        List<List<Double>> ips = List.of(new ArrayList<>(), new ArrayList<>());
        for (ComputationGraph net : nets) {
            net.fit(batch);
            net.fit(batch);
        }
        for (int r = 0; r < rounds; r++) {
            for (int p = 0; p < 2; p++) {
                for (int s = 0; s < trainSteps; s++) {
                    long t = System.nanoTime();
                    nets[p].fit(batch);
                    ips.get(p).add(trainBatch / ((System.nanoTime() - t) / 1e9));
                }
            }
            System.err.printf("training round %d/%d%n", r + 1, rounds);
        }
        return new double[][]{toArray(ips.get(0)), toArray(ips.get(1))};
    }

    /** [built-in, helpers]: faces/s of each timed run, run as the app runs the model; the paths alternate. */
    private double[][] serveFacesPerSecond(Path file, List<Fer2013Row> faces) throws Exception {
        AppConfig app = new AppConfig(AppConfig.defaults());
        List<Fer2013Row> sample = faces.subList(0, Math.min(256, faces.size()));
        double[][] out = new double[2][rounds];
        try (RawInference builtIn = RawInference.likeTheApp(file, sample, app, false);
             RawInference helpers = RawInference.likeTheApp(file, sample, app, true)) {
            for (int r = 0; r < rounds; r++) {
                out[0][r] = builtIn.measure(serveBatch, r == 0 ? 1 : 0, 1, 256).medianIps();
                out[1][r] = helpers.measure(serveBatch, r == 0 ? 2 : 0, 1, 2048).medianIps();
                System.err.printf("serving round %d/%d%n", r + 1, rounds);
            }
        }
        return out;
    }

    /** Share of faces for which both paths predict the same class, views included as the app serves them. */
    private static double agreement(ModelArtifact artifact, List<Fer2013Row> faces) {
        Dl4jEmotionClassifier helpers = new Dl4jEmotionClassifier(artifact);
        Dl4jEmotionClassifier builtIn = new Dl4jEmotionClassifier(artifact.metadata().version(),
                OneDnnHelpers.build(false, artifact::copyNetworks),
                artifact.metadata().preprocessing());
        int same = 0;
        for (int from = 0; from < faces.size(); from += 64) {
            List<FaceImage> chunk = faces.subList(from, Math.min(faces.size(), from + 64)).stream()
                    .map(Fer2013Row::face).toList();
            List<EmotionPrediction> a = helpers.classify(chunk);
            List<EmotionPrediction> b = builtIn.classify(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                same += a.get(i).predicted() == b.get(i).predicted() ? 1 : 0;
            }
            System.err.printf("\ragreement %d/%d", Math.min(faces.size(), from + 64), faces.size());
        }
        System.err.println();
        return (double) same / faces.size();
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
