package dev.emostream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;

@DisplayName("the Kaggle submission")
class SubmissionTest {

    @TempDir
    Path dir;

    static EmotionEvent event(String frame, Emotion predicted, Emotion truth, long capture, long classified) {
        return EmotionEvent.newBuilder().setFrameId(frame).setSourceId("s").setCaptureTime(Instant.ofEpochMilli(capture))
                .setClassifiedTime(Instant.ofEpochMilli(classified)).setPredicted(predicted).setConfidence(0.9f)
                .setScores(Collections.nCopies(7, 1 / 7f)).setModelVersion("v1").setTrueLabel(truth).build();
    }

    @Test
    @DisplayName("has one row per frame, in replay order, whatever order the events came in")
    void inputOrder() throws Exception {
        Map<String, EmotionEvent> events = new HashMap<>();
        events.put("30", event("30", Emotion.SAD, null, 0, 1));
        events.put("10", event("10", Emotion.ANGRY, null, 0, 1));
        events.put("20", event("20", Emotion.NEUTRAL, null, 0, 1));
        Path file = dir.resolve("out/submission.csv");
        Submission.of(List.of("20", "10", "30", "10"), events).write(file);
        assertThat(Files.readAllLines(file)).containsExactly("id,emotion", "20,6", "10,0", "30,4");
    }

    @Test
    @DisplayName("refuses to write when a frame has no event, naming it")
    void missingFrame() {
        Map<String, EmotionEvent> events = Map.of("1", event("1", Emotion.HAPPY, null, 0, 1));
        assertThatThrownBy(() -> Submission.of(List.of("1", "2"), events))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 of 2").hasMessageContaining("[2]");
    }

    @Test
    @DisplayName("the score counts accuracy over labeled frames and latency percentiles by nearest rank")
    void score() {
        List<StreamScore.Received> received = List.of(
                new StreamScore.Received(event("1", Emotion.HAPPY, Emotion.HAPPY, 1000, 1010), 1100),
                new StreamScore.Received(event("2", Emotion.SAD, Emotion.HAPPY, 1000, 1020), 1100),
                new StreamScore.Received(event("3", Emotion.SAD, Emotion.SAD, 1000, 1030), 1100),
                new StreamScore.Received(event("4", Emotion.FEAR, null, 1000, 2000), 2100));
        StreamScore score = new StreamScore(received);
        assertThat(score.frames()).isEqualTo(4);
        assertThat(score.labeled()).isEqualTo(3);
        assertThat(score.correct()).isEqualTo(2);
        assertThat(score.accuracy()).hasValueCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(score.classifyLatencyMillis(50)).isEqualTo(20);
        assertThat(score.classifyLatencyMillis(100)).isEqualTo(1000);
        assertThat(score.visibleLatencyMillis(50)).isEqualTo(100);
        assertThat(score.throughput()).isEqualTo(4.0);
        assertThat(score.confusion().recall(dev.emostream.model.Emotion.HAPPY)).isEqualTo(0.5);
        assertThat(String.join("\n", score.report())).contains("accuracy:    0.6667 (2 of 3 labeled frames)");
    }

    @Test
    @DisplayName("without labels the score has no accuracy and the last line says n/a")
    void noLabels() {
        StreamScore score = new StreamScore(List.of(
                new StreamScore.Received(event("1", Emotion.HAPPY, null, 1000, 1010), 1100)));
        assertThat(score.accuracy()).isEmpty();
        assertThat(SubmissionCommand.lastLine("demo", score, Path.of("/tmp/s.csv")))
                .isEqualTo("demo: frames=1 accuracy=n/a submission=/tmp/s.csv");
    }
}
