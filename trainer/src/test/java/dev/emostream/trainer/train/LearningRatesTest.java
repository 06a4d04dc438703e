package dev.emostream.trainer.train;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LearningRatesTest {

    @Test
    @DisplayName("cosine warms up linearly from lr/10, peaks after warm-up, halves mid-way and ends at the minimum")
    void cosineShape() {
        assertThat(LearningRates.cosine(0, 1.0, 0.0, 100, 1100)).isCloseTo(0.1, within(1e-12));
        assertThat(LearningRates.cosine(50, 1.0, 0.0, 100, 1100)).isCloseTo(0.55, within(1e-12));
        assertThat(LearningRates.cosine(100, 1.0, 0.0, 100, 1100)).isCloseTo(1.0, within(1e-12));
        assertThat(LearningRates.cosine(600, 1.0, 0.0, 100, 1100)).isCloseTo(0.5, within(1e-12));
        assertThat(LearningRates.cosine(1100, 1.0, 0.01, 100, 1100)).isCloseTo(0.01, within(1e-12));
        assertThat(LearningRates.cosine(5000, 1.0, 0.01, 100, 1100)).isCloseTo(0.01, within(1e-12));
    }

    @Test
    @DisplayName("the DL4J schedule follows the cosine, stepped every few iterations")
    void scheduleSamplesCosine() {
        ISchedule s = LearningRates.cosineSchedule(2e-3, 0, 10, 1000, 10);
        assertThat(s.valueAt(500, 0)).isCloseTo(LearningRates.cosine(500, 2e-3, 0, 10, 1000), within(1e-12));
        assertThat(s.valueAt(505, 0)).isEqualTo(s.valueAt(500, 0));
        assertThat(s.valueAt(900, 0)).isLessThan(s.valueAt(500, 0));
    }
}
