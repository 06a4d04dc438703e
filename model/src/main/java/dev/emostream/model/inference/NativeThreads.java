package dev.emostream.model.inference;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * How many native threads ND4J spends on one forward pass: the process-wide limits, and the threads that run the
 * passes, each with its own OpenMP team.
 *
 * <p>Why serving limits it: this net's convolutions are small GEMMs, and splitting one batch over both cores of a
 * 2-core machine gains little, while two batches on two networks, one thread each, run side by side: with the oneDNN
 * engine 328 faces/s against 150 at batch 1, 2,128 against 1,615 at batch 32 (docs/BENCHMARKS.md).
 * So the app runs one batch per core, each on one thread. Three settings are involved: OpenBLAS's thread count and
 * libnd4j's own parallel loops ({@code maxMasterThreads}), both process-wide, and the OpenMP team that oneDNN's
 * convolutions use, whose size OpenMP keeps per calling thread ({@code omp_set_num_threads}): so each thread that
 * runs forward passes sets its own ({@link #forwardPassThreads}), and {@code OMP_NUM_THREADS} only sizes the rest.
 * Training leaves the defaults: it runs one large batch at a time.
 */
public final class NativeThreads {

    private NativeThreads() {
    }

    /** Every forward pass from now on uses at most {@code threads} native threads. */
    public static void perForwardPass(int threads) {
        requireAtLeastOne(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /**
     * Threads for forward passes, each of which runs its passes on {@code threads} native threads: it sizes its own
     * OpenMP team (oneDNN's convolutions) before its first task, whatever {@code OMP_NUM_THREADS} says.
     */
    public static ThreadFactory forwardPassThreads(String namePrefix, int threads, int priority) {
        requireAtLeastOne(threads);
        Nd4j.getBackend(); // loads the native backend, which NativeOpsHolder needs
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(() -> {
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
                task.run();
            }, namePrefix + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(priority);
            return t;
        };
    }

    private static void requireAtLeastOne(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("native threads per forward pass must be >= 1, got " + threads);
        }
    }

    /** The threads each of {@code concurrentBatches} batches gets when they share the machine's cores evenly. */
    public static int evenShare(int concurrentBatches) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, concurrentBatches));
    }
}
