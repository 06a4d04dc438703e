package dev.emostream.model.metrics;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.emostream.model.Emotion.ANGRY;
import static dev.emostream.model.Emotion.HAPPY;
import static dev.emostream.model.Emotion.SAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConfusionMatrixTest {

    @Test
    @DisplayName("accuracy, precision, recall and F1 follow from the counts")
    void derivedNumbers() {
        ConfusionMatrix m = new ConfusionMatrix();
        m.add(HAPPY, HAPPY);
        m.add(HAPPY, HAPPY);
        m.add(HAPPY, SAD);
        m.add(SAD, HAPPY);
        assertThat(m.total()).isEqualTo(4);
        assertThat(m.correct()).isEqualTo(2);
        assertThat(m.accuracy()).isEqualTo(0.5);
        assertThat(m.precision(HAPPY)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.recall(HAPPY)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.f1(HAPPY)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.recall(ANGRY)).isZero();
    }

    @Test
    @DisplayName("the row-major wire form round-trips")
    void rowMajor() {
        ConfusionMatrix m = new ConfusionMatrix();
        m.add(SAD, ANGRY);
        long[] cells = m.toRowMajor();
        assertThat(cells[SAD.code() * 7 + ANGRY.code()]).isEqualTo(1);
        assertThat(ConfusionMatrix.of(cells)).isEqualTo(m);
    }
}
