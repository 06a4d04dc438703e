package dev.emostream.model.csv;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;

import java.util.Optional;

/**
 * One face from a Kaggle FER2013 CSV.
 *
 * @param line     the 1-based line number in the file (the header is line 1)
 * @param index    the 0-based row number among data rows
 * @param id       the CSV's {@code id} column, or the row number when the file has none
 * @param label    the true emotion, or null when the file has no {@code emotion} column
 * @param usage    the {@code Usage} column of the full Kaggle file, or null
 */
public record Fer2013Row(long line, long index, String id, Emotion label, String usage, FaceImage face) {

    public Optional<Emotion> trueLabel() {
        return Optional.ofNullable(label);
    }
}
