package dev.emostream.model.preprocess;

import dev.emostream.model.face.FaceImage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FacePreprocessorTest {

    /** A canonical image whose pixel at (x, y) is (x + 2y) mod 256: every crop offset is visible. */
    private static FaceImage ramp(int size) {
        byte[] px = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                px[y * size + x] = (byte) ((x + 2 * y) % 256);
            }
        }
        return new FaceImage(size, size, px);
    }

    @Test
    @DisplayName("center crop of 40 from 48 starts at (4, 4) and scales to value/255")
    void centerCropAndUnitScaling() {
        FacePreprocessor p = new FacePreprocessor(PreprocessingRecipe.fer2013(40));
        float[] in = p.input(ramp(48));
        assertThat(in).hasSize(1600);
        assertThat(in[0]).isEqualTo((4 + 2 * 4) / 255f);
        assertThat(in[39]).isEqualTo((43 + 2 * 4) / 255f);
        assertThat(in[40]).isEqualTo((4 + 2 * 5) / 255f);
        assertThat(in[1599]).isEqualTo((43 + 2 * 43) / 255f);
    }

    @Test
    @DisplayName("a mirrored crop reads each row right to left")
    void flippedCrop() {
        FacePreprocessor p = new FacePreprocessor(PreprocessingRecipe.fer2013(40));
        float[] out = new float[1600];
        p.writeCrop(ramp(48), 0, 8, true, out, 0);
        assertThat(out[0]).isEqualTo((39 + 16) / 255f);
        assertThat(out[39]).isEqualTo((0 + 16) / 255f);
    }

    @Test
    @DisplayName("standardization subtracts the mean and divides by the std of value/255")
    void standardize() {
        PreprocessingRecipe r = new PreprocessingRecipe(48, 48, Scaling.STANDARDIZE, 0.5f, 0.25f, false, false);
        float[] in = new FacePreprocessor(r).input(new FaceImage(48, 48, new byte[48 * 48]));
        assertThat(in[0]).isCloseTo(-2f, within(1e-6f));
    }

    @Test
    @DisplayName("a 2x2 image is resized bilinearly to 48x48 with corners kept and a constant image staying constant")
    void resizesOtherSizes() {
        FacePreprocessor p = new FacePreprocessor(PreprocessingRecipe.fer2013(48));
        FaceImage small = new FaceImage(2, 2, new byte[]{0, (byte) 200, 100, (byte) 255});
        FaceImage big = p.canonical(small);
        assertThat(big.width()).isEqualTo(48);
        assertThat(big.at(0, 0)).isEqualTo(0);
        assertThat(big.at(47, 0)).isEqualTo(200);
        assertThat(big.at(0, 47)).isEqualTo(100);
        assertThat(big.at(47, 47)).isEqualTo(255);
        // the middle of the top row is half way between the two top pixels
        assertThat(big.at(24, 0)).isBetween(100, 110);

        FaceImage flat = p.canonical(new FaceImage(96, 64, filled(96 * 64, 77)));
        for (byte b : flat.pixels()) {
            assertThat(b & 0xFF).isEqualTo(77);
        }
    }

    @Test
    @DisplayName("a 96x96 image of 2x2 blocks halves to the block values")
    void downscalesExactly() {
        byte[] px = new byte[96 * 96];
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                px[y * 96 + x] = (byte) ((x / 2 + y / 2) % 256);
            }
        }
        FaceImage half = new FacePreprocessor(PreprocessingRecipe.fer2013(40)).canonical(new FaceImage(96, 96, px));
        assertThat(half.at(0, 0)).isEqualTo(0);
        assertThat(half.at(10, 3)).isEqualTo(13);
        assertThat(half.at(47, 47)).isEqualTo(94);
    }

    @Test
    @DisplayName("a 48x48 face is used as is, without a copy")
    void canonicalIsIdentity() {
        FaceImage face = ramp(48);
        assertThat(new FacePreprocessor(PreprocessingRecipe.fer2013(40)).canonical(face)).isSameAs(face);
    }

    @Test
    @DisplayName("the recipe round-trips through JSON and rejects impossible crops")
    void recipeJson() {
        PreprocessingRecipe r = PreprocessingRecipe.fer2013(40).withFlipAverage(true).withCornerCrops(true);
        assertThat(PreprocessingRecipe.fromJson(r.toJson())).isEqualTo(r);
        // artifacts written before cornerCrops existed still read
        assertThat(PreprocessingRecipe.fromJson("{\"canonicalSize\":48,\"cropSize\":40,\"scaling\":\"UNIT\","
                + "\"mean\":0,\"std\":1,\"flipAverage\":true}").cornerCrops()).isFalse();
        assertThatThrownBy(() -> PreprocessingRecipe.fer2013(50)).hasMessageContaining("cropSize 50");
    }

    @Test
    @DisplayName("test-time views: the centered crop, then the four corners, each with its mirror when flipping")
    void views() {
        PreprocessingRecipe r = PreprocessingRecipe.fer2013(40);
        assertThat(r.views()).containsExactly(new PreprocessingRecipe.View(4, 4, false));
        assertThat(r.withFlipAverage(true).withCornerCrops(true).views()).containsExactly(
                new PreprocessingRecipe.View(4, 4, false), new PreprocessingRecipe.View(4, 4, true),
                new PreprocessingRecipe.View(0, 0, false), new PreprocessingRecipe.View(0, 0, true),
                new PreprocessingRecipe.View(8, 0, false), new PreprocessingRecipe.View(8, 0, true),
                new PreprocessingRecipe.View(0, 8, false), new PreprocessingRecipe.View(0, 8, true),
                new PreprocessingRecipe.View(8, 8, false), new PreprocessingRecipe.View(8, 8, true));
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
