package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InferencePace")
class InferencePaceTest {

    private static final long MS = 1_000_000;

    private final InferencePace pace = new InferencePace();

    @Test
    @DisplayName("is unknown (0) until a batch was measured")
    void unknownAtFirst() {
        assertThat(pace.nanosPerFace()).isZero();
    }

    @Test
    @DisplayName("after one batch, is that batch's time per face")
    void oneBatch() {
        pace.batchDone(32, 48 * MS);

        assertThat(pace.nanosPerFace()).isEqualTo(1.5 * MS);
    }

    @Test
    @DisplayName("weighs a batch by its faces: a small batch's fixed cost barely moves a full batch's pace")
    void weighsByFaces() {
        pace.batchDone(32, 48 * MS);
        pace.batchDone(1, 5 * MS);

        assertThat(pace.nanosPerFace()).isLessThan(1.7 * MS);
    }

    @Test
    @DisplayName("follows a change of pace (a slower model swapped in) within some twenty batches")
    void followsAChange() {
        for (int i = 0; i < 50; i++) {
            pace.batchDone(32, 48 * MS);
        }
        for (int i = 0; i < 20; i++) {
            pace.batchDone(32, 96 * MS);
        }

        assertThat(pace.nanosPerFace()).isCloseTo(3 * MS, within(0.4 * MS));
    }
}
