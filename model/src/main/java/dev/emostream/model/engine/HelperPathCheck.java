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
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Compares DL4J's oneDNN helper path with its built-in path on one batch and the same weights, layer by layer:
 * activations in inference and training mode, every parameter gradient, and the batch-norm running statistics
 * after one step. Differences are relative to the largest magnitude of the built-in array, so 1e-6 is float
 * rounding and anything near 1 is a wrong result. Dropout draws from ND4J's generator, re-seeded before every pass.
 *
 * <p>A batch gradient is not continuous at float-rounding distance: a unit a rounding away from a ReLU's kink
 * switches its whole term on or off, so rounding alone can move some arrays far more than 1e-3. The check therefore
 * also measures that floor: the built-in path against itself on the same faces with every pixel moved one float ulp
 * up or down at random, several times. A helper's difference is judged against the larger of 1e-3 and
 * {@value #FLOOR_FACTOR}x that array's floor (docs/ARCHITECTURE.md, "The engine").
 */
public final class HelperPathCheck {

    private static final long SEED = 12345;
    /** Below this every array counts as agreeing, whatever its floor. */
    public static final double BOUND = 1e-3;
    /** How far above the measured rounding floor a helper's difference may be. */
    public static final double FLOOR_FACTOR = 2;
    private static final int FLOOR_PERTURBATIONS = 8;

    /**
     * Largest relative difference per kind, and per array for the report. {@code gradientFloor} is the largest
     * rounding floor of any gradient array; {@code gradientExcess} the largest ratio of an array's helper
     * difference to its allowance, max({@link #BOUND}, {@link #FLOOR_FACTOR} x its floor): at most 1 passes.
     */
    public record Result(double inferenceActivations, double trainingActivations, double gradients,
                         double gradientFloor, double gradientExcess, double runningStatistics, double helperRepeat,
                         Map<String, Double> perArray) {

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
        Map<String, INDArray> reference = gradients(builtIn, batch.getFeatures(), batch.getLabels());
        Map<String, INDArray> helperGradients = gradients(helper, batch.getFeatures(), batch.getLabels());
        Map<String, Double> gradientDiffs = new TreeMap<>();
        double gradients = worst(gradientDiffs, "", reference, helperGradients);
        Map<String, Double> floors = roundingFloor(builtIn, batch, reference);
        double floor = 0;
        double excess = 0;
        for (Map.Entry<String, Double> e : gradientDiffs.entrySet()) {
            double arrayFloor = floors.get(e.getKey());
            perArray.put("gradient " + e.getKey(), e.getValue());
            perArray.put("floor gradient " + e.getKey(), arrayFloor);
            floor = Math.max(floor, arrayFloor);
            excess = Math.max(excess, e.getValue() / Math.max(BOUND, FLOOR_FACTOR * arrayFloor));
        }
        double repeat = worst(new TreeMap<>(), "", helperGradients,
                gradients(helper, batch.getFeatures(), batch.getLabels()));
        double statistics = worst(perArray, "running ", statisticsStep(builtIn, batch), statisticsStep(helper, batch));
        return new Result(inference, training, gradients, floor, excess, statistics, repeat, perArray);
    }

    /** Per gradient array, the largest difference the built-in path shows against itself on one-ulp-moved pixels. */
    private static Map<String, Double> roundingFloor(ComputationGraph builtIn, DataSet batch,
                                                     Map<String, INDArray> reference) {
        Map<String, Double> floor = new TreeMap<>();
        reference.keySet().forEach(name -> floor.put(name, 0.0));
        float[] pixels = batch.getFeatures().dup('c').data().asFloat();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int p = 0; p < FLOOR_PERTURBATIONS; p++) {
            float[] moved = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                moved[i] = random.nextBoolean() ? Math.nextUp(pixels[i]) : Math.nextDown(pixels[i]);
            }
            INDArray input = Nd4j.create(moved, batch.getFeatures().shape(), 'c');
            Map<String, Double> diffs = new TreeMap<>();
            worst(diffs, "", reference, gradients(builtIn, input, batch.getLabels()));
            diffs.forEach((name, d) -> floor.merge(name, d, Math::max));
        }
        return floor;
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

    private static Map<String, INDArray> gradients(ComputationGraph net, INDArray features, INDArray labels) {
        Nd4j.getRandom().setSeed(SEED);
        net.setInputs(features);
        net.setLabels(labels);
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
