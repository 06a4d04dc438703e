package dev.emostream.bench;

import java.nio.file.Path;
import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/**
 * The model's own speed: its network on already-preprocessed faces, one {@code outputSingle} per batch, nothing
 * else timed. When the recipe averages a mirrored copy, the copies ride in the same forward pass as in serving,
 * and images/s counts faces, not copies.
 */
final class RawInference implements AutoCloseable {

    /** One batch size: images/s of each timed run, and the per-batch milliseconds they imply. */
    record Result(int batch, double[] imagesPerSecond) {
        double medianIps() {
            return Results.median(imagesPerSecond);
        }

        double msPerBatch(double ips) {
            return batch * 1000.0 / ips;
        }
    }

    private final ComputationGraph network;
    private final PreprocessingRecipe recipe;
    private final FacePreprocessor preprocessor;
    private final List<Fer2013Row> faces;
    final String version;

    RawInference(Path modelFile, List<Fer2013Row> faces) throws ModelArtifactException {
        ModelArtifact artifact = ModelArtifact.load(modelFile);
        this.network = artifact.network();
        this.recipe = artifact.metadata().preprocessing();
        this.preprocessor = new FacePreprocessor(recipe);
        this.faces = faces;
        this.version = artifact.metadata().version();
    }

    /**
     * @param minImages each timed run classifies at least this many faces (and at least 3 batches)
     */
    Result measure(int batch, int warmupRuns, int runs, int minImages) {
        var views = recipe.views();
        int copies = views.size();
        int len = recipe.inputLength();
        int crop = recipe.cropSize();
        float[] input = new float[copies * batch * len];
        for (int i = 0; i < batch; i++) {
            var canonical = preprocessor.canonical(faces.get(i % faces.size()).face());
            for (int v = 0; v < copies; v++) {
                var view = views.get(v);
                preprocessor.writeCrop(canonical, view.x(), view.y(), view.flip(), input, (v * batch + i) * len);
            }
        }
        int batches = Math.max(3, (minImages + batch - 1) / batch);
        double[] ips = new double[runs];
        try (INDArray x = Nd4j.create(input, new long[]{(long) copies * batch, 1, crop, crop}, 'c')) {
            for (int r = -warmupRuns; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    INDArray out = network.outputSingle(false, x);
                    out.close();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    ips[r] = batches * (double) batch / seconds;
                }
            }
        }
        return new Result(batch, ips);
    }

    @Override
    public void close() {
        network.clear();
    }
}
