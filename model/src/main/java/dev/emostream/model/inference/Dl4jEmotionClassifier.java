package dev.emostream.model.inference;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Batched inference with a DL4J graph (or an ensemble's member graphs, whose probabilities are averaged) and its
 * artifact's recipe. {@code ComputationGraph.output} is synchronized, so one instance serves one thread at a time;
 * use one per concurrent batch to scale.
 */
public final class Dl4jEmotionClassifier implements EmotionClassifier {

    private final String version;
    private final List<ComputationGraph> members;
    private final FacePreprocessor preprocessor;
    private final PreprocessingRecipe recipe;

    public Dl4jEmotionClassifier(ModelArtifact artifact) {
        this(artifact.metadata().version(), artifact.networks(), artifact.metadata().preprocessing());
    }

    public Dl4jEmotionClassifier(String version, ComputationGraph network, PreprocessingRecipe recipe) {
        this(version, List.of(network), recipe);
    }

    public Dl4jEmotionClassifier(String version, List<ComputationGraph> members, PreprocessingRecipe recipe) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("model " + version + " has no network");
        }
        this.version = version;
        this.members = List.copyOf(members);
        this.recipe = recipe;
        this.preprocessor = new FacePreprocessor(recipe);
    }

    @Override
    public String modelVersion() {
        return version;
    }

    @Override
    public List<EmotionPrediction> classify(List<FaceImage> faces) {
        int n = faces.size();
        if (n == 0) {
            return List.of();
        }
        int len = recipe.inputLength();
        int crop = recipe.cropSize();
        List<PreprocessingRecipe.View> views = recipe.views();
        int copies = views.size();
        // All views of all faces ride in one forward pass: one larger batch is cheaper than several.
        float[] input = new float[copies * n * len];
        for (int i = 0; i < n; i++) {
            FaceImage canonical = preprocessor.canonical(faces.get(i));
            for (int v = 0; v < copies; v++) {
                PreprocessingRecipe.View view = views.get(v);
                preprocessor.writeCrop(canonical, view.x(), view.y(), view.flip(), input, (v * n + i) * len);
            }
        }
        float[] scores = null;
        try (INDArray batch = Nd4j.create(input, new long[]{(long) copies * n, 1, crop, crop}, 'c')) {
            for (ComputationGraph member : members) {
                INDArray out = member.outputSingle(false, batch);
                float[] memberScores = out.data().asFloat();
                out.close();
                if (scores == null) {
                    scores = memberScores;
                } else {
                    for (int j = 0; j < scores.length; j++) {
                        scores[j] += memberScores[j];
                    }
                }
            }
        }
        int averaged = copies * members.size();
        int k = scores.length / (copies * n);
        List<EmotionPrediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] s = new float[k];
            for (int v = 0; v < copies; v++) {
                for (int j = 0; j < k; j++) {
                    s[j] += scores[(v * n + i) * k + j];
                }
            }
            for (int j = 0; j < k; j++) {
                s[j] /= averaged;
            }
            predictions.add(EmotionPrediction.fromScores(s));
        }
        return predictions;
    }
}
