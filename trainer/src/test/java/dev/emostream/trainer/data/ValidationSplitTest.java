package dev.emostream.trainer.data;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ValidationSplit")
class ValidationSplitTest {

    private static final FaceImage FACE = new FaceImage(48, 48, new byte[48 * 48]);

    /** 1,000 faces, ids "face-0".., classes skewed like FER2013 (few of class 1), in the given row order. */
    private static FaceDataset faces(boolean reversed) {
        List<FaceImage> images = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = reversed ? 999 - i : i;
            images.add(FACE);
            ids.add("face-" + n);
            labels.add(n % 50 == 0 ? 1 : n % 7 == 1 ? 3 : n % 7);
        }
        return new FaceDataset("faces.csv", images, ids, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Set<String> ids(FaceDataset data) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < data.size(); i++) {
            ids.add(data.id(i));
        }
        return ids;
    }

    @Test
    @DisplayName("the same file and seed hold out the same faces, whatever the row order; another seed others")
    void deterministic() {
        ValidationSplit first = ValidationSplit.carve(faces(false), 0.1, 7);
        ValidationSplit again = ValidationSplit.carve(faces(false), 0.1, 7);
        ValidationSplit reordered = ValidationSplit.carve(faces(true), 0.1, 7);
        ValidationSplit otherSeed = ValidationSplit.carve(faces(false), 0.1, 8);
        assertThat(ids(again.validation())).isEqualTo(ids(first.validation()));
        assertThat(ids(reordered.validation())).isEqualTo(ids(first.validation()));
        assertThat(first.describe().get("idsSha256")).isEqualTo(reordered.describe().get("idsSha256"));
        assertThat(ids(otherSeed.validation())).isNotEqualTo(ids(first.validation()));
        assertThat(otherSeed.describe().get("idsSha256")).isNotEqualTo(first.describe().get("idsSha256"));
    }

    @Test
    @DisplayName("each class gives its own share, the rare one too")
    void stratified() {
        FaceDataset all = faces(false);
        ValidationSplit split = ValidationSplit.carve(all, 0.1, 7);
        int[] total = all.classCounts();
        int[] held = split.validation().classCounts();
        for (int c = 0; c < Emotion.COUNT; c++) {
            assertThat(held[c]).as("class %d of %d faces", c, total[c]).isEqualTo((int) Math.round(total[c] * 0.1));
        }
        assertThat(total[1]).isEqualTo(20);
        assertThat(held[1]).isEqualTo(2);
    }

    @Test
    @DisplayName("the slice and the training part are disjoint and together are the whole file")
    void disjoint() {
        FaceDataset all = faces(false);
        ValidationSplit split = ValidationSplit.carve(all, 0.25, 3);
        Set<String> train = ids(split.train());
        Set<String> validation = ids(split.validation());
        assertThat(train).doesNotContainAnyElementsOf(validation);
        assertThat(train.size() + validation.size()).isEqualTo(all.size());
        Set<String> union = new HashSet<>(train);
        union.addAll(validation);
        assertThat(union).isEqualTo(ids(all));
        assertThat(split.validation().size()).isBetween(245, 255);
    }

    @Test
    @DisplayName("a share outside 0-1 is refused with the value")
    void badFraction() {
        assertThatThrownBy(() -> ValidationSplit.carve(faces(false), 1.5, 1)).hasMessageContaining("1.5");
    }
}
