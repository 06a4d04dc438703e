package dev.emostream.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.app.http.RunningStatus;
import dev.emostream.app.metrics.AppMetrics;

@DisplayName("DashboardStats")
class DashboardStatsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AppMetrics metrics = AppMetrics.inMemory();
    private final DashboardStats stats = new DashboardStats(new RunningStatus(List.of()), metrics.registry(),
            new EmotionCounts(clock::get), clock::get);

    /** One stats tick a second later, after {@code frames} were classified in batches of 32. */
    private Map<String, Object> tick(int frames) {
        for (int left = frames; left > 0; left -= 32) {
            metrics.batchClassified(Math.min(32, left), Duration.ofMillis(45));
        }
        clock.addAndGet(1_000);
        return stats.next();
    }

    @Test
    @DisplayName("a page opened after a fast replay still charts its rate: the history of frames/s comes from the app")
    void replayBeforeThePageOpened() {
        stats.next();
        for (int frames : new int[]{1_000, 1_050, 1_020, 519}) { // 3,589 faces in about 4 s
            tick(frames);
        }
        Map<String, Object> seenByANewPage = null;
        for (int quiet = 0; quiet < 30; quiet++) {
            seenByANewPage = tick(0);
        }

        assertThat(seenByANewPage.get("framesPerSecond")).isEqualTo(0.0);
        @SuppressWarnings("unchecked")
        List<Double> history = (List<Double>) seenByANewPage.get("framesPerSecondHistory");
        assertThat(history).hasSize(35).containsSubsequence(1_000.0, 1_050.0, 1_020.0, 519.0).endsWith(0.0);
        assertThat(history.stream().mapToDouble(Double::doubleValue).max().orElse(0)).isEqualTo(1_050.0);
    }

    @Test
    @DisplayName("the history keeps the last two minutes of one-second ticks")
    void historyIsBounded() {
        tick(500);
        Map<String, Object> last = null;
        for (int i = 0; i < DashboardStats.RATE_HISTORY; i++) {
            last = tick(i == DashboardStats.RATE_HISTORY - 1 ? 64 : 0);
        }

        @SuppressWarnings("unchecked")
        List<Double> history = (List<Double>) last.get("framesPerSecondHistory");
        assertThat(history).hasSize(DashboardStats.RATE_HISTORY).doesNotContain(500.0).endsWith(64.0);
    }
}
