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
    private static final Augmentation USUAL = new Augmentation(true, 10, 0.1, 0, 0);

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
        new Augmenter(PRE, Augmentation.none(), 1).write(ramp(), out, 0);
        assertThat(out).containsExactly(PRE.input(ramp()));
    }

    @Test
    @DisplayName("enabled augmentation varies crops and flips, stays in range, and is seeded")
    void variesAndRepeats() {
        Set<Float> firstPixels = new HashSet<>();
        Augmenter a = new Augmenter(PRE, new Augmentation(true, 10, 0.2, 0.1, 0.5), 5);
        Augmenter b = new Augmenter(PRE, new Augmentation(true, 10, 0.2, 0.1, 0.5), 5);
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
    @DisplayName("without rotation, scale or shift, the view is the crop at the drawn offset, mirrored when drawn")
    void plainCropAndFlip() {
        FaceImage face = ramp();
        FaceImage view = Augmenter.transform(face, 0, 1, 2, 7, 40, false);
        FaceImage mirrored = Augmenter.transform(face, 0, 1, 2, 7, 40, true);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                assertThat(view.at(4 + x, 4 + y)).isEqualTo(face.at(2 + x, 7 + y));
                assertThat(mirrored.at(4 + x, 4 + y)).isEqualTo(face.at(2 + 39 - x, 7 + y));
            }
        }
    }

    @Test
    @DisplayName("rotation by 90 degrees about the center turns rows into columns")
    void rotation() {
        FaceImage face = ramp();
        FaceImage turned = Augmenter.transform(face, Math.PI / 2, 1, 4, 4, 40, false);
        assertThat(turned.at(10, 20)).isEqualTo(face.at(20, 47 - 10));
    }

    @Test
    @DisplayName("a network with a larger crop sees the student's view: its centered crop holds the student's input")
    void largerCropSeesTheSameView() {
        FacePreprocessor teacher = new FacePreprocessor(PreprocessingRecipe.fer2013(44));
        Augmenter augmenter = new Augmenter(PRE, new Augmentation(true, 10, 0.2, 0.1, 1), 11);
        for (int i = 0; i < 20; i++) {
            FaceImage view = augmenter.augment(ramp());
            float[] student = PRE.input(view);
            float[] wide = teacher.input(view);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    assertThat(wide[(y + 2) * 44 + x + 2]).isEqualTo(student[y * 40 + x]);
                }
            }
        }
    }
}
