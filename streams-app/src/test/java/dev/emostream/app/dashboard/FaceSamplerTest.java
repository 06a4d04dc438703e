package dev.emostream.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.face.FaceImage;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;

@DisplayName("the dashboard's face sampler and counts")
class FaceSamplerTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private static EmotionEvent event(String id, String source, Emotion predicted, Emotion truth) {
        return EmotionEvent.newBuilder().setFrameId(id).setSourceId(source).setCaptureTime(Instant.EPOCH)
                .setClassifiedTime(Instant.EPOCH).setPredicted(predicted).setConfidence(0.5f)
                .setScores(List.of(0f, 0f, 0f, 0f, 0f, 0f, 0f)).setModelVersion("v1").setTrueLabel(truth).build();
    }

    @Test
    @DisplayName("keeps at most one face per interval, however many arrive, and only the newest few")
    void samples() {
        FaceSampler sampler = new FaceSampler(100, 3, clock::get);
        FaceImage face = new FaceImage(48, 48, new byte[48 * 48]);
        for (int i = 0; i < 1000; i++) {
            sampler.offer(event("f" + i, "cam", Emotion.HAPPY, null), face);
            clock.addAndGet(1); // 1000 frames in one second
        }
        assertThat(sampler.next()).isEqualTo(10);
        List<FaceSampler.Sample> kept = sampler.since(0);
        assertThat(kept).extracting(FaceSampler.Sample::frameId).containsExactly("f700", "f800", "f900");
        assertThat(sampler.since(9)).hasSize(1);
        assertThat(sampler.since(10)).isEmpty();
    }

    @Test
    @DisplayName("sends every face as 48x48, whatever size it came in")
    void resizes() {
        byte[] px = new byte[96 * 96];
        px[95 * 96 + 95] = (byte) 200;
        byte[] out = FaceSampler.to48(new FaceImage(96, 96, px));
        assertThat(out).hasSize(48 * 48);
        assertThat(out[47 * 48 + 47] & 0xFF).isEqualTo(0);
        byte[] same = new byte[48 * 48];
        same[7] = 9;
        assertThat(FaceSampler.to48(new FaceImage(48, 48, same))).isEqualTo(same).isNotSameAs(same);
    }

    @Test
    @DisplayName("counts per source in total and over the last minute only")
    void counts() {
        EmotionCounts counts = new EmotionCounts(clock::get);
        counts.add("cam-a", Emotion.HAPPY.ordinal());
        clock.addAndGet(61_000);
        counts.add("cam-a", Emotion.SAD.ordinal());
        counts.add("cam-b", Emotion.SAD.ordinal());
        var snap = counts.snapshot();
        assertThat(snap).hasSize(2);
        assertThat((long[]) snap.get(0).get("total")).containsExactly(0, 0, 0, 1, 1, 0, 0);
        assertThat((long[]) snap.get(0).get("lastMinute")).containsExactly(0, 0, 0, 0, 1, 0, 0);
        for (int i = 0; i < EmotionCounts.MAX_SOURCES + 5; i++) {
            counts.add("s" + i, 0);
        }
        assertThat(counts.snapshot()).hasSize(EmotionCounts.MAX_SOURCES + 1)
                .last().satisfies(m -> assertThat(m.get("source")).isEqualTo(EmotionCounts.OTHER));
    }
}
