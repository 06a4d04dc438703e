package dev.emostream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import dev.emostream.app.config.AppConfig;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.engine.OneDnnHelpers;
import dev.emostream.model.inference.BatchNormFolding;
import dev.emostream.model.inference.NativeThreads;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/**
 * The model's own speed: its network on already-preprocessed faces, one {@code outputSingle} per batch, nothing
 * else timed. When the recipe averages a mirrored copy, the copies ride in the same forward pass as in serving,
 * and images/s counts faces, not copies. Like the app, it runs {@code networks} batches at once, each on its own
 * copy of the network and its own thread, with {@code nativeThreads} native threads per forward pass; images/s is
 * their sum. An ensemble's batch runs through every member, as in serving.
 */
final class RawInference implements AutoCloseable {

    /** One batch size: images/s of each timed run (all networks together), and the ms one batch takes they imply. */
    record Result(int batch, int networks, double[] imagesPerSecond) {
        double medianIps() {
            return Results.median(imagesPerSecond);
        }

        double msPerBatch(double ips) {
            return networks * batch * 1000.0 / ips;
        }
    }

    /**
     * Faces per timed run for the rate end-to-end runs are compared with: about 1.5 s of the model at full speed, as
     * the stream runs it for 30 s. The table's 256-face runs (0.1 s) spread 6-18% between runs of one JVM and
     * made the ratio a quotient of two noisy numbers.
     */
    static final int SUSTAINED_IMAGES = 4096;

    /** One copy of the model (all its members) per batch in flight. */
    private final List<List<ComputationGraph>> networks = new ArrayList<>();
    private final int nativeThreads;
    private final PreprocessingRecipe recipe;
    private final FacePreprocessor preprocessor;
    private final List<Fer2013Row> faces;
    final String version;
    private final boolean folded;

    private RawInference(Path modelFile, List<Fer2013Row> faces, int networks, int nativeThreads, boolean helpers,
                         boolean foldBatchNorm) throws ModelArtifactException {
        ModelArtifact artifact = ModelArtifact.load(modelFile);
        for (int i = 0; i < networks; i++) {
            this.networks.add(OneDnnHelpers.build(helpers, () -> foldBatchNorm
                    ? BatchNormFolding.fold(artifact.networks()) : artifact.copyNetworks()));
        }
        this.folded = foldBatchNorm;
        this.nativeThreads = nativeThreads;
        this.recipe = artifact.metadata().preprocessing();
        this.preprocessor = new FacePreprocessor(recipe);
        this.faces = faces;
        this.version = artifact.metadata().version();
    }

    /** Run as {@code app} would run the model: as many networks at once as batches in flight, its native threads. */
    static RawInference likeTheApp(Path modelFile, List<Fer2013Row> faces, AppConfig app)
            throws ModelArtifactException {
        return likeTheApp(modelFile, faces, app, true);
    }

    /** As {@link #likeTheApp(Path, List, AppConfig)}, on DL4J's oneDNN helper path or its built-in path. */
    static RawInference likeTheApp(Path modelFile, List<Fer2013Row> faces, AppConfig app, boolean helpers)
            throws ModelArtifactException {
        return new RawInference(modelFile, faces, app.settings().batchesInFlight(), app.nativeThreads(), helpers,
                app.foldBatchNorm());
    }

    String setup() {
        return networks.size() + " network(s) at once x " + nativeThreads + " native thread(s), batch norm "
                + (folded ? "folded" : "as trained");
    }

    /**
     * @param minImages each timed run classifies at least this many faces (and at least 3 batches per network)
     */
    Result measure(int batch, int warmupRuns, int runs, int minImages) {
        NativeThreads.perForwardPass(nativeThreads);
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
        int n = networks.size();
        int batches = Math.max(3, (minImages + batch * n - 1) / (batch * n));
        double[] ips = new double[runs];
        ExecutorService pool = Executors.newFixedThreadPool(n,
                NativeThreads.forwardPassThreads("raw-inference-", nativeThreads, Thread.NORM_PRIORITY));
        try {
            for (int r = -warmupRuns; r < runs; r++) {
                List<Future<Double>> running = new ArrayList<>();
                for (List<ComputationGraph> members : networks) {
                    running.add(pool.submit(() -> {
                        try (INDArray x = Nd4j.create(input, new long[]{(long) copies * batch, 1, crop, crop}, 'c')) {
                            long t0 = System.nanoTime();
                            for (int b = 0; b < batches; b++) {
                                for (ComputationGraph member : members) {
                                    member.outputSingle(false, x).close();
                                }
                            }
                            return (double) batches * batch / ((System.nanoTime() - t0) / 1e9);
                        }
                    }));
                }
                // each network's own rate, summed: the networks run side by side, and a wall clock over all of
                // them would count the one that finishes last against the others (the app never waits like that)
                double sum = 0;
                for (Future<Double> f : running) {
                    sum += f.get();
                }
                if (r >= 0) {
                    ips[r] = sum;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("inference failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Result(batch, n, ips);
    }

    @Override
    public void close() {
        networks.forEach(members -> members.forEach(ComputationGraph::clear));
    }
}
