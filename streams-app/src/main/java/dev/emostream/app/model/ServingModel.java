package dev.emostream.app.model;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.deeplearning4j.nn.graph.ComputationGraph;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.BatchNormFolding;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/**
 * One model version ready to serve: classifies a batch on one of its networks, making another when every one it
 * has is busy.
 *
 * <p>Why several networks: DL4J's {@code ComputationGraph.output} is synchronized, so one network shared by several
 * inference threads would classify one batch at a time. The first batch gets the artifact's network, a batch that
 * finds every network busy a clone (about 5 MB for the 1.2M-parameter net); so there are as many as batches ever
 * ran at once, one per inference thread. Why a pool and not a {@code ThreadLocal}: after a swap nothing but this
 * object holds the old version's networks, so they go with it; a thread-local value stays reachable from the
 * thread until that thread happens to clean up the stale entry.
 */
public final class ServingModel {

    private final String version;
    private final String origin;
    private final Supplier<EmotionClassifier> factory;
    private final ConcurrentLinkedDeque<EmotionClassifier> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger networks = new AtomicInteger();

    private ServingModel(String version, String origin, Supplier<EmotionClassifier> factory) {
        this.version = Objects.requireNonNull(version, "version");
        this.origin = origin;
        this.factory = factory;
    }

    /** A classifier that is safe to share between threads as is (a stand-in, or one that locks itself). */
    public static ServingModel shared(EmotionClassifier classifier, String origin) {
        return new ServingModel(classifier.modelVersion(), origin, () -> classifier);
    }

    /**
     * The artifact's networks (batch norm folded into the convolutions when {@code foldBatchNorm}) for the first
     * batch, clones of them for batches that run beside it.
     */
    public static ServingModel of(ModelArtifact artifact, String origin, boolean foldBatchNorm) {
        List<ComputationGraph> first = foldBatchNorm ? BatchNormFolding.fold(artifact.networks()) : artifact.networks();
        String version = artifact.metadata().version();
        PreprocessingRecipe recipe = artifact.metadata().preprocessing();
        AtomicBoolean firstTaken = new AtomicBoolean();
        // the factory keeps what it serves and no more: folded, the artifact's own networks can go
        Supplier<EmotionClassifier> factory = () -> new Dl4jEmotionClassifier(version,
                firstTaken.getAndSet(true) ? first.stream().map(ComputationGraph::clone).toList() : first, recipe);
        return new ServingModel(version, origin, factory);
    }

    public String version() {
        return version;
    }

    /** Where it was loaded from (a file path), for logs and /health. */
    public String origin() {
        return origin;
    }

    /** Classifies one batch on a network no other batch is using; predictions name {@link #version()}. */
    public List<EmotionPrediction> classify(List<FaceImage> faces) {
        EmotionClassifier classifier = idle.pollFirst();
        if (classifier == null) {
            classifier = factory.get();
            networks.incrementAndGet();
        }
        try {
            return classifier.classify(faces);
        } finally {
            idle.addFirst(classifier);
        }
    }

    /** How many networks this version has made so far: the most batches that ran on it at once. */
    int networks() {
        return networks.get();
    }

    @Override
    public String toString() {
        return version + " (" + origin + ")";
    }
}
