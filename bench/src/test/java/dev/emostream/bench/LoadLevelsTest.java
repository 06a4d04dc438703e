package dev.emostream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LoadLevels")
class LoadLevelsTest {

    private static Map<String, Object> level(double load, long p99) {
        return Map.of("load", load, "latencyMsP99", p99);
    }

    private final List<Map<String, Object>> levels = List.of(level(0.1, 61), level(0.25, 70), level(0.5, 88),
            level(0.8, 140), level(0.95, 900));

    @Test
    @DisplayName("the summary line names each level's p99 by whole percent, in run order, then the full speed")
    void line() {
        assertThat(LoadLevels.line(levels, 432.46))
                .isEqualTo("load: p99_ms_10=61 p99_ms_25=70 p99_ms_50=88 p99_ms_80=140 p99_ms_95=900 full_fps=432.5");
    }

    @Test
    @DisplayName("the half-load p99 of the bench line comes from the 50% level, NaN when the run had none")
    void halfLoad() {
        assertThat(LoadLevels.p99At(levels, 0.5)).isEqualTo(88L);
        assertThat(LoadLevels.p99At(levels.subList(0, 2), 0.5)).isEqualTo("NaN");
    }

    @Test
    @DisplayName("phase names carry no dash: frame ids are <phase>-<n>")
    void phaseName() {
        assertThat(LoadLevels.phaseName(0.25)).isEqualTo("load25").doesNotContain("-");
    }
}
