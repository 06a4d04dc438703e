package dev.emostream.app.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.EmotionEvent;

/**
 * Keeps a few of the classified faces for the page: at most one per {@code minIntervalMs} (so ten a second at
 * 100 ms however fast frames arrive), the newest {@code capacity} of them. {@link #offer} runs on the stream
 * thread: a frame that is not sampled costs one clock read and a compare; a sampled one a 2,304-byte copy.
 */
final class FaceSampler {

    /** One face as the page draws it: 48x48 grayscale, row-major. */
    record Sample(long seq, String frameId, String source, int predicted, float confidence, Integer truth,
                  String modelVersion, long classifiedMs, byte[] pixels) {
    }

    static final int SIZE = FaceImage.FER_SIZE;

    private final long minIntervalMs;
    private final Sample[] ring;
    private final LongSupplier clockMs;
    private final AtomicLong nextDue = new AtomicLong(Long.MIN_VALUE);
    private long seq;

    FaceSampler(long minIntervalMs, int capacity, LongSupplier clockMs) {
        this.minIntervalMs = minIntervalMs;
        this.ring = new Sample[capacity];
        this.clockMs = clockMs;
    }

    void offer(EmotionEvent event, FaceImage face) {
        long now = clockMs.getAsLong();
        long due = nextDue.get();
        if (now < due || !nextDue.compareAndSet(due, now + minIntervalMs)) {
            return;
        }
        Integer truth = event.getTrueLabel() == null ? null : event.getTrueLabel().ordinal();
        byte[] pixels = to48(face);
        synchronized (this) {
            long s = seq++;
            ring[(int) (s % ring.length)] = new Sample(s, String.valueOf(event.getFrameId()),
                    String.valueOf(event.getSourceId()), event.getPredicted().ordinal(), event.getConfidence(), truth,
                    String.valueOf(event.getModelVersion()), now, pixels);
        }
    }

    /** The kept samples with {@code seq >= from}, oldest first. */
    synchronized List<Sample> since(long from) {
        List<Sample> out = new ArrayList<>();
        for (long s = Math.max(from, seq - ring.length); s < seq; s++) {
            out.add(ring[(int) (s % ring.length)]);
        }
        return out;
    }

    /** The sequence number the next sample will get. */
    synchronized long next() {
        return seq;
    }

    /** Nearest-neighbour resize to 48x48: frames may come in any size the validator accepts. */
    static byte[] to48(FaceImage face) {
        byte[] src = face.pixels();
        if (face.width() == SIZE && face.height() == SIZE) {
            return src.clone();
        }
        byte[] out = new byte[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            int sy = y * face.height() / SIZE;
            for (int x = 0; x < SIZE; x++) {
                out[y * SIZE + x] = src[sy * face.width() + x * face.width() / SIZE];
            }
        }
        return out;
    }
}
