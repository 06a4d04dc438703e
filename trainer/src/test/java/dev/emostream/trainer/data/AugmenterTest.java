package dev.emostream.trainer.data;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AugmenterTest {

    private static final FacePreprocessor PRE = new FacePreprocessor(PreprocessingRecipe.fer2013(40));

    private static FaceImage ramp() {
        byte[] px = new byte[48 * 48];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i % 48 + 3 * (i / 48));
        }
        return new FaceImage(48, 48, px);
    }

    @Test
    @DisplayName("disabled augmentation writes exactly the serving input")
    void disabledIsServing() {
        float[] out = new float[1600];
        new Augmenter(PRE, false, 10, 0.1, 1).write(ramp(), out, 0);
        assertThat(out).containsExactly(PRE.input(ramp()));
    }

    @Test
    @DisplayName("enabled augmentation varies crops and flips, stays in range, and is seeded")
    void variesAndRepeats() {
        Set<Float> firstPixels = new HashSet<>();
        Augmenter a = new Augmenter(PRE, true, 10, 0.1, 5);
        Augmenter b = new Augmenter(PRE, true, 10, 0.1, 5);
        for (int i = 0; i < 50; i++) {
            float[] x = new float[1600];
            float[] y = new float[1600];
            a.write(ramp(), x, 0);
            b.write(ramp(), y, 0);
            assertThat(x).containsExactly(y);
            for (float v : x) {
                assertThat(v).isBetween(0f, 1f);
            }
            firstPixels.add(x[0]);
        }
        assertThat(firstPixels.size()).isGreaterThan(10);
    }

    @Test
    @DisplayName("rotation by zero at scale one leaves the face unchanged; by 90 degrees it turns rows into columns")
    void rotation() {
        FaceImage face = ramp();
        assertThat(Augmenter.rotate(face, 0, 1)).isEqualTo(face);
        FaceImage turned = Augmenter.rotate(face, Math.PI / 2, 1);
        assertThat(turned.at(10, 20)).isEqualTo(face.at(20, 47 - 10));
    }
}
