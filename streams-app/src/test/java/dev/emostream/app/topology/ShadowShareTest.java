package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ShadowShare")
class ShadowShareTest {

    @Test
    @DisplayName("picks every frame at 1, none at 0, and about the share in between")
    void share() {
        assertThat(IntStream.range(0, 1000).allMatch(i -> ShadowShare.picks("f" + i, 1.0))).isTrue();
        assertThat(IntStream.range(0, 1000).noneMatch(i -> ShadowShare.picks("f" + i, 0.0))).isTrue();
        long half = IntStream.range(0, 10_000).filter(i -> ShadowShare.picks("row-" + i, 0.5)).count();
        assertThat(half).isBetween(4_800L, 5_200L);
        long tenth = IntStream.range(0, 10_000).filter(i -> ShadowShare.picks("row-" + i, 0.1)).count();
        assertThat(tenth).isBetween(900L, 1_100L);
    }

    @Test
    @DisplayName("decides by the frame id alone: the same frame is picked or not every time, on every instance")
    void deterministic() {
        for (int i = 0; i < 200; i++) {
            assertThat(ShadowShare.picks("cam-" + i, 0.3)).isEqualTo(ShadowShare.picks("cam-" + i, 0.3));
        }
        // a smaller share picks a subset of a larger one's frames
        assertThat(IntStream.range(0, 2000).filter(i -> ShadowShare.picks("x" + i, 0.2))
                .allMatch(i -> ShadowShare.picks("x" + i, 0.6))).isTrue();
    }
}
