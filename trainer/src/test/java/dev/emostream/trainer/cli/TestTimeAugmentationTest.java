package dev.emostream.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.preprocess.PreprocessingRecipe;

class TestTimeAugmentationTest {

    private final PreprocessingRecipe recipe = PreprocessingRecipe.fer2013(40).withFlipAverage(true);

    @Test
    @DisplayName("each --tta choice serves its number of views: 1, 2, 5 and 10")
    void viewCounts() {
        assertThat(TestTimeAugmentation.apply("none", recipe).views()).hasSize(1);
        assertThat(TestTimeAugmentation.apply("flip", recipe).views()).hasSize(2);
        assertThat(TestTimeAugmentation.apply("corners", recipe).views()).hasSize(5)
                .noneMatch(PreprocessingRecipe.View::flip);
        assertThat(TestTimeAugmentation.apply("flip+corners", recipe).views()).hasSize(10);
    }

    @Test
    @DisplayName("an unknown choice is refused with the list of choices")
    void unknownChoice() {
        assertThatThrownBy(() -> TestTimeAugmentation.apply("ten", recipe))
                .hasMessageContaining("unknown --tta 'ten'").hasMessageContaining("corners");
    }
}
