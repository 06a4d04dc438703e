package dev.emostream.trainer.distill;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.trainer.net.OutputHead;
import dev.emostream.trainer.train.NetworkCopies;
import dev.emostream.trainer.train.TrainingObjective;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Training a student on its teachers' probabilities for the very view it is shown (Beyer et al. 2022, "function
 * matching": teachers run on every batch, so each epoch's new augmentations bring new targets) plus the true
 * labels, under {@link DistillationLoss}. Why online rather than a bank of precomputed outputs: docs in the model
 * card's recipe (models/README.md, "Distillation").
 */
public final class Distillation implements TrainingObjective {

    private static final int WIDTH = 2 * Emotion.COUNT;

    private final Teachers teachers;
    private final DistillationLoss loss;
    private final double temperature;
    private final double alpha;
    private final Map<String, Object> facts;
    private float[] probabilities = new float[0];

    /**
     * @param facts what the run knows about its teachers beyond the files (their scores, the split check), for
     *              model.json
     */
    public Distillation(Teachers teachers, double temperature, double alpha, Map<String, Object> facts) {
        this.loss = new DistillationLoss(temperature, alpha);
        this.teachers = teachers;
        this.temperature = temperature;
        this.alpha = alpha;
        this.facts = facts;
    }

    @Override
    public OutputHead head(int[] classCounts) {
        return new OutputHead(Activation.IDENTITY, loss);
    }

    @Override
    public int targetWidth() {
        return WIDTH;
    }

    @Override
    public void writeTargets(List<FaceImage> views, int[] labels, float[] targets) {
        int n = views.size();
        if (probabilities.length < n * Emotion.COUNT) {
            probabilities = new float[n * Emotion.COUNT];
        }
        teachers.probabilities(views, probabilities);
        for (int k = 0; k < n; k++) {
            temper(probabilities, k * Emotion.COUNT, temperature, targets, k * WIDTH);
            for (int j = 0; j < Emotion.COUNT; j++) {
                targets[k * WIDTH + Emotion.COUNT + j] = j == labels[k] ? 1f : 0f;
            }
        }
    }

    /**
     * The teachers' average probabilities {@code p} at temperature {@code T}: {@code p^(1/T)}, normalized, i.e. the
     * softmax at {@code T} of the logits {@code log p} (the average has no logits of its own).
     */
    static void temper(float[] p, int from, double temperature, float[] out, int to) {
        double[] powered = new double[Emotion.COUNT];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < Emotion.COUNT; j++) {
            powered[j] = Math.log(Math.max(p[from + j], 1e-12)) / temperature;
            max = Math.max(max, powered[j]);
        }
        double sum = 0;
        for (int j = 0; j < Emotion.COUNT; j++) {
            powered[j] = Math.exp(powered[j] - max);
            sum += powered[j];
        }
        for (int j = 0; j < Emotion.COUNT; j++) {
            out[to + j] = (float) (powered[j] / sum);
        }
    }

    /** The same weights behind a softmax with cross-entropy: a network every reader of artifacts can load and serve. */
    @Override
    public ComputationGraph servingNetwork(ComputationGraph trained) {
        return NetworkCopies.rebuild(trained, trained.params(), conf -> {
            for (String output : conf.getNetworkOutputs()) {
                if (conf.getVertices().get(output) instanceof LayerVertex vertex
                        && vertex.getLayerConf().getLayer() instanceof BaseOutputLayer layer) {
                    layer.setActivationFn(Activation.SOFTMAX.getActivationFunction());
                    layer.setLossFn(new LossMCXENT());
                }
            }
        });
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("objective", "distillation: the teachers' probabilities for the student's own augmented view (each "
                + "teacher's centered crop of it), computed every step, plus the true labels");
        d.put("teacherViews", teachers.views());
        d.put("temperature", temperature);
        d.put("alpha", alpha);
        d.put("teachers", teachers.teachers().stream().map(t -> {
            Map<String, Object> teacher = new LinkedHashMap<>();
            teacher.put("version", t.metadata().version());
            teacher.put("file", t.file().getFileName().toString());
            teacher.put("sha256", t.fileSha256());
            teacher.put("architecture", t.metadata().architecture());
            teacher.put("cropSize", t.metadata().preprocessing().cropSize());
            return teacher;
        }).toList());
        d.putAll(facts);
        return d;
    }

    @Override
    public String identity() {
        return "teachers " + teachers.teachers().stream().map(Teachers.Teacher::fileSha256)
                .collect(Collectors.joining(","));
    }

    @Override
    public String progressNote() {
        return String.format(Locale.ROOT, " (teachers %.0f)", teachers.cpuMillisPerBatchSinceLast());
    }
}
