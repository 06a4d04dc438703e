package dev.emostream.model.engine;

import dev.emostream.model.Emotion;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Compares DL4J's oneDNN helper path with its built-in path on one batch and the same weights, layer by layer:
 * activations in inference and training mode, every parameter gradient, and the batch-norm running statistics
 * after one step. Differences are relative to the largest magnitude of the built-in array, so 1e-6 is float
 * rounding and anything near 1 is a wrong result. Dropout draws from ND4J's generator, re-seeded before every pass.
 */
public final class HelperPathCheck {

    private static final long SEED = 12345;

    /** Largest relative difference per kind, and per array for the report. */
    public record Result(double inferenceActivations, double trainingActivations, double gradients,
                         double runningStatistics, double helperRepeat, Map<String, Double> perArray) {

        public double max() {
            return Math.max(Math.max(inferenceActivations, trainingActivations), Math.max(gradients, runningStatistics));
        }
    }

    private HelperPathCheck() {
    }

    /** @param network builds (or clones) the network to compare; called once per path */
    public static Result compare(Supplier<ComputationGraph> network, DataSet batch) {
        ComputationGraph helper = OneDnnHelpers.build(true, network);
        ComputationGraph builtIn = OneDnnHelpers.build(false, network);
        if (OneDnnHelpers.helpersOf(helper).isEmpty()) {
            throw new IllegalStateException("no oneDNN helper engaged on the helper path (native build: "
                    + OneDnnHelpers.nativeBuild() + ")");
        }
        Map<String, Double> perArray = new TreeMap<>();
        double inference = worst(perArray, "inference ", activations(builtIn, batch, false), activations(helper, batch, false));
        double training = worst(perArray, "training ", activations(builtIn, batch, true), activations(helper, batch, true));
        Map<String, INDArray> helperGradients = gradients(helper, batch);
        double gradients = worst(perArray, "gradient ", gradients(builtIn, batch), helperGradients);
        double repeat = worst(new TreeMap<>(), "", helperGradients, gradients(helper, batch));
        double statistics = worst(perArray, "running ", statisticsStep(builtIn, batch), statisticsStep(helper, batch));
        return new Result(inference, training, gradients, statistics, repeat, perArray);
    }

    /** Labeled rows as one training batch, preprocessed as served (centered crop), labels one-hot. */
    public static DataSet batch(List<Fer2013Row> rows, PreprocessingRecipe recipe) {
        FacePreprocessor pre = new FacePreprocessor(recipe);
        int n = rows.size();
        int len = recipe.inputLength();
        float[] x = new float[n * len];
        float[] y = new float[n * Emotion.COUNT];
        for (int i = 0; i < n; i++) {
            pre.writeInput(rows.get(i).face(), x, i * len);
            y[i * Emotion.COUNT + rows.get(i).label().code()] = 1;
        }
        int crop = recipe.cropSize();
        return new DataSet(Nd4j.create(x, new long[]{n, 1, crop, crop}, 'c'),
                Nd4j.create(y, new long[]{n, Emotion.COUNT}, 'c'));
    }

    /** max |a - b| / max |a|, 0 when both are all zero. */
    public static double relativeDifference(INDArray expected, INDArray actual) {
        double scale = expected.amaxNumber().doubleValue();
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        return diff == 0 ? 0 : diff / Math.max(scale, 1e-12);
    }

    private static Map<String, INDArray> activations(ComputationGraph net, DataSet batch, boolean training) {
        Nd4j.getRandom().setSeed(SEED);
        Map<String, INDArray> out = new LinkedHashMap<>();
        net.feedForward(batch.getFeatures(), training).forEach((name, a) -> out.put(name, a.dup()));
        net.clearLayersStates();
        return out;
    }

    private static Map<String, INDArray> gradients(ComputationGraph net, DataSet batch) {
        Nd4j.getRandom().setSeed(SEED);
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        Map<String, INDArray> out = new LinkedHashMap<>();
        net.gradient().gradientForVariable().forEach((name, g) -> out.put(name, g.dup()));
        net.clearLayersStates();
        return out;
    }

    /** How one training step moves the batch-norm running statistics (mean and variance parameters). */
    private static Map<String, INDArray> statisticsStep(ComputationGraph net, DataSet batch) {
        Map<String, INDArray> before = new LinkedHashMap<>();
        net.paramTable().forEach((name, p) -> {
            if (isRunningStatistic(name)) {
                before.put(name, p.dup());
            }
        });
        Nd4j.getRandom().setSeed(SEED);
        net.fit(batch);
        Map<String, INDArray> step = new LinkedHashMap<>();
        before.forEach((name, p) -> step.put(name, net.getParam(name).sub(p)));
        return step;
    }

    private static boolean isRunningStatistic(String param) {
        return param.endsWith("_mean") || param.endsWith("_var") || param.endsWith("_log10stdev");
    }

    private static double worst(Map<String, Double> perArray, String kind, Map<String, INDArray> expected,
                                Map<String, INDArray> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            throw new IllegalStateException(kind + "arrays differ between the paths: " + expected.keySet() + " vs "
                    + actual.keySet());
        }
        double worst = 0;
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            double d = relativeDifference(e.getValue(), actual.get(e.getKey()));
            perArray.put(kind + e.getKey(), d);
            worst = Math.max(worst, d);
        }
        return worst;
    }
}
