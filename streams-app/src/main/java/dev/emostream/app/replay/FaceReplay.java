package dev.emostream.app.replay;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013FormatException;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.FaceFrame;

/**
 * Turns the rows of a FER2013 CSV into {@link FaceFrame}s and sends them, paced by a {@link RateLimiter}: frame id =
 * the CSV's id column or the row number, source id = the replay's, capture time = now, the true label when the CSV
 * has one. A malformed row is handed to the listener (its message names the file and line) and skipped; the rest
 * go on.
 */
public final class FaceReplay {

    /** What a replay reports as it goes. */
    public interface Listener {
        void sent(long frames);

        void malformed(Fer2013FormatException e);

        Listener NONE = new Listener() {
            @Override
            public void sent(long frames) {
            }

            @Override
            public void malformed(Fer2013FormatException e) {
            }
        };
    }

    /**
     * @param sent      frames sent and acknowledged
     * @param labeled   of those, frames with a true label
     * @param malformed rows skipped
     */
    public record Result(String sourceId, long sent, long labeled, long malformed, Duration elapsed) {

        public double framesPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s > 0 ? sent / s : 0;
        }
    }

    private final FrameSink sink;
    private final RateLimiter limiter;
    private final String sourceId;
    private final long limit;
    private final Clock clock;
    private final FrameFormat format;

    /**
     * @param limit the most frames to send; {@code Long.MAX_VALUE} for the whole file
     */
    public FaceReplay(FrameSink sink, RateLimiter limiter, String sourceId, long limit, Clock clock) {
        this(sink, limiter, sourceId, limit, clock, FrameFormat.RAW);
    }

    /** @param format how each face is sent (raw, PNG, JPEG; alone or in a frame with a box) */
    public FaceReplay(FrameSink sink, RateLimiter limiter, String sourceId, long limit, Clock clock,
                      FrameFormat format) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        this.sink = sink;
        this.limiter = limiter;
        this.sourceId = sourceId;
        this.limit = limit;
        this.clock = clock;
        this.format = format;
    }

    public Result replay(Fer2013CsvReader reader, Listener listener) throws InterruptedException {
        long started = System.nanoTime();
        long sent = 0;
        long labeled = 0;
        long malformed = 0;
        while (sent < limit) {
            Optional<Fer2013Row> row;
            try {
                row = reader.next();
            } catch (Fer2013FormatException e) {
                malformed++;
                listener.malformed(e);
                continue;
            }
            if (row.isEmpty()) {
                break;
            }
            limiter.acquire();
            FaceFrame frame = frame(row.get(), sourceId, clock, format, sent);
            sink.send(frame);
            sent++;
            if (frame.getTrueLabel() != null) {
                labeled++;
            }
            listener.sent(sent);
        }
        sink.flush();
        return new Result(sourceId, sent, labeled, malformed, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The row as a raw 48x48 frame. */
    public static FaceFrame frame(Fer2013Row row, String sourceId, Clock clock) {
        return frame(row, sourceId, clock, FrameFormat.RAW, 0);
    }

    /** The row as a frame in {@code format}; {@code index} varies the face's place in a frame with a box. */
    public static FaceFrame frame(Fer2013Row row, String sourceId, Clock clock, FrameFormat format, long index) {
        FaceFrame.Builder frame = FaceFrame.newBuilder()
                .setFrameId(row.id())
                .setSourceId(sourceId)
                .setCaptureTime(clock.instant())
                // both enums follow the Kaggle order 0..6
                .setTrueLabel(row.label() == null ? null : Emotion.values()[row.label().code()]);
        return format.encode(row.face(), index).writeTo(frame).build();
    }
}
