package dev.emostream.app.topology;

/**
 * The model's recent time per face, as the inference threads measure their batches (wall clock, so time the OS gave
 * to other threads counts: it is what a batch takes). Nanoseconds and faces are each summed with exponentially
 * decaying weights and divided, so a batch weighs by its faces: small batches, dear per face for the forward pass's
 * fixed cost, do not make a face look dearer than it is in the full batches that the latency target bounds. Shared by
 * every task, like the threads; a swapped-in model's pace takes over within some ten batches.
 */
final class InferencePace {

    /** Each batch's share in the sums: the last ten or so batches count. */
    private static final double WEIGHT = 0.1;

    private double nanos;
    private double faces;

    synchronized void batchDone(int batchFaces, long batchNanos) {
        nanos = nanos * (1 - WEIGHT) + batchNanos;
        faces = faces * (1 - WEIGHT) + batchFaces;
    }

    /** 0 until a batch was measured. */
    synchronized double nanosPerFace() {
        return faces == 0 ? 0 : nanos / faces;
    }
}
