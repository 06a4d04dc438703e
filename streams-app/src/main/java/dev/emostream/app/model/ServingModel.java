package dev.emostream.app.model;

import java.util.Objects;
import java.util.function.Supplier;

import org.deeplearning4j.nn.graph.ComputationGraph;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionClassifier;

/**
 * One model version ready to serve, handing each stream thread its own classifier.
 *
 * <p>Why per thread: DL4J's {@code ComputationGraph.output} is synchronized, so one network shared by several
 * stream threads would classify one batch at a time. The first thread to ask gets the artifact's network,
 * every other thread a clone (about 5 MB for the 1.2M-parameter net).
 */
public final class ServingModel {

    private final String version;
    private final String origin;
    private final ThreadLocal<EmotionClassifier> perThread;

    private ServingModel(String version, String origin, Supplier<EmotionClassifier> perThreadFactory) {
        this.version = Objects.requireNonNull(version, "version");
        this.origin = origin;
        this.perThread = ThreadLocal.withInitial(perThreadFactory);
    }

    /** A classifier that is safe to share between threads as is (a stand-in, or one that locks itself). */
    public static ServingModel shared(EmotionClassifier classifier, String origin) {
        return new ServingModel(classifier.modelVersion(), origin, () -> classifier);
    }

    /** The artifact's network for the first thread, clones for the others. */
    public static ServingModel of(ModelArtifact artifact, String origin) {
        ComputationGraph original = artifact.network();
        Object lock = new Object();
        boolean[] handedOut = {false};
        Supplier<EmotionClassifier> factory = () -> {
            synchronized (lock) {
                ComputationGraph network = handedOut[0] ? original.clone() : original;
                handedOut[0] = true;
                return new Dl4jEmotionClassifier(artifact.metadata().version(), network,
                        artifact.metadata().preprocessing());
            }
        };
        return new ServingModel(artifact.metadata().version(), origin, factory);
    }

    public String version() {
        return version;
    }

    /** Where it was loaded from (a file path), for logs and /health. */
    public String origin() {
        return origin;
    }

    /** The calling thread's classifier; its predictions name {@link #version()}. */
    public EmotionClassifier classifier() {
        return perThread.get();
    }

    @Override
    public String toString() {
        return version + " (" + origin + ")";
    }
}
