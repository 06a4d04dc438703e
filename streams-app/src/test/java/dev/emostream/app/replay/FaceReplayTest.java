package dev.emostream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013FormatException;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.FaceFrame;

@DisplayName("replaying a FER2013 CSV")
class FaceReplayTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    static final class ListSink implements FrameSink {
        final List<FaceFrame> frames = new ArrayList<>();
        int flushes;

        @Override
        public void send(FaceFrame frame) {
            frames.add(frame);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
        }
    }

    static final class Recorder implements FaceReplay.Listener {
        final List<Fer2013FormatException> malformed = new ArrayList<>();

        @Override
        public void sent(long frames) {
        }

        @Override
        public void malformed(Fer2013FormatException e) {
            malformed.add(e);
        }
    }

    static String pixels(int value) {
        return IntStream.range(0, 48 * 48).mapToObj(i -> Integer.toString(value)).collect(Collectors.joining(" "));
    }

    static Fer2013CsvReader csv(String... lines) throws Exception {
        return Fer2013CsvReader.open("faces.csv",
                new ByteArrayInputStream((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    @DisplayName("malformed rows are reported with their line numbers and skipped; the rest are sent")
    void malformedRowsAreReportedAndSkipped() throws Exception {
        ListSink sink = new ListSink();
        Recorder recorder = new Recorder();
        FaceReplay.Result result;
        try (Fer2013CsvReader reader = csv(
                "id,emotion,pixels",
                "101,3," + pixels(10),            // line 2: good
                "102,9," + pixels(10),            // line 3: label out of range
                "103,1," + pixels(10) + " 7",     // line 4: 2305 pixels
                "104,0," + pixels(20),            // line 5: good
                "105,x," + pixels(10),            // line 6: label not a number
                "106,2",                          // line 7: missing column
                "107,6," + pixels(30))) {         // line 8: good
            result = new FaceReplay(sink, RateLimiter.unlimited(), "replay-t", Long.MAX_VALUE, CLOCK)
                    .replay(reader, recorder);
        }
        assertThat(sink.frames).extracting(f -> f.getFrameId().toString()).containsExactly("101", "104", "107");
        assertThat(recorder.malformed).extracting(Fer2013FormatException::line).containsExactly(3L, 4L, 6L, 7L);
        assertThat(recorder.malformed.get(0)).hasMessageContaining("faces.csv line 3").hasMessageContaining("out of range");
        assertThat(recorder.malformed.get(1)).hasMessageContaining("line 4").hasMessageContaining("2304");
        assertThat(result.sent()).isEqualTo(3);
        assertThat(result.malformed()).isEqualTo(4);
        assertThat(result.labeled()).isEqualTo(3);
        assertThat(sink.flushes).as("the replay waits for its frames to be acknowledged").isEqualTo(1);
    }

    @Test
    @DisplayName("a frame carries the CSV id, the source as key, the label, the pixels and the capture time")
    void frameFields() throws Exception {
        ListSink sink = new ListSink();
        try (Fer2013CsvReader reader = csv("id,emotion,pixels", "66966880,3," + pixels(77))) {
            new FaceReplay(sink, RateLimiter.unlimited(), "replay-t", Long.MAX_VALUE, CLOCK)
                    .replay(reader, FaceReplay.Listener.NONE);
        }
        FaceFrame f = sink.frames.get(0);
        assertThat(f.getFrameId().toString()).isEqualTo("66966880");
        assertThat(f.getSourceId().toString()).isEqualTo("replay-t");
        assertThat(f.getTrueLabel()).isEqualTo(Emotion.HAPPY);
        assertThat(f.getWidth()).isEqualTo(48);
        assertThat(f.getHeight()).isEqualTo(48);
        assertThat(f.getPixels().remaining()).isEqualTo(2304);
        assertThat(f.getPixels().get(0)).isEqualTo((byte) 77);
        assertThat(f.getCaptureTime()).isEqualTo(CLOCK.instant());
    }

    @Test
    @DisplayName("without an id column the frame id is the row number; without labels the frame has none")
    void rowNumbersAndNoLabels() throws Exception {
        ListSink sink = new ListSink();
        FaceReplay.Result result;
        try (Fer2013CsvReader reader = csv("pixels", pixels(1), "1 2 3", pixels(2), pixels(3))) {
            result = new FaceReplay(sink, RateLimiter.unlimited(), "s", Long.MAX_VALUE, CLOCK)
                    .replay(reader, FaceReplay.Listener.NONE);
        }
        assertThat(sink.frames).extracting(f -> f.getFrameId().toString()).containsExactly("0", "2", "3");
        assertThat(sink.frames).allSatisfy(f -> assertThat(f.getTrueLabel()).isNull());
        assertThat(result.labeled()).isZero();
    }

    @Test
    @DisplayName("--limit stops after N frames sent, malformed rows not counted")
    void limit() throws Exception {
        ListSink sink = new ListSink();
        try (Fer2013CsvReader reader = csv("emotion,pixels", "1,bad", "0," + pixels(1), "1," + pixels(1),
                "2," + pixels(1))) {
            new FaceReplay(sink, RateLimiter.unlimited(), "s", 2, CLOCK).replay(reader, FaceReplay.Listener.NONE);
        }
        assertThat(sink.frames).extracting(f -> f.getFrameId().toString()).containsExactly("1", "2");
    }
}
