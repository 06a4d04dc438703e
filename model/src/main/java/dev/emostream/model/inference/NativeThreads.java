package dev.emostream.model.inference;

import org.nd4j.linalg.factory.Nd4j;

/**
 * How many native threads ND4J spends on one forward pass, for the whole process.
 *
 * <p>Why serving limits it: this net's convolutions are small GEMMs, and splitting one batch over both cores of a
 * 2-core machine gains little, while two batches on two networks, one thread each, run side by side: with the oneDNN
 * engine 328 faces/s against 150 at batch 1, 2,128 against 1,615 at batch 32 (docs/BENCHMARKS.md).
 * So the app runs one batch per core, each on one thread. Two settings are involved: OpenBLAS's
 * thread count (the GEMMs under convolution and dense layers) and libnd4j's own parallel loops
 * ({@code maxMasterThreads}); {@code OMP_NUM_THREADS} would do both, but only when set before the process starts.
 * Training leaves the defaults: it runs one large batch at a time.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Every forward pass from now on uses at most {@code threads} native threads. */
    public static void perForwardPass(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("native threads per forward pass must be >= 1, got " + threads);
        }
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /** The threads each of {@code concurrentBatches} batches gets when they share the machine's cores evenly. */
    public static int evenShare(int concurrentBatches) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, concurrentBatches));
    }
}
