package dev.emostream.model;

import java.util.List;

/** The seven FER2013 emotions, in the Kaggle order: {@link #code()} is the number used in the CSVs. */
public enum Emotion {
    ANGRY, DISGUST, FEAR, HAPPY, SAD, SURPRISE, NEUTRAL;

    public static final int COUNT = 7;

    private static final Emotion[] BY_CODE = values();

    /** The Kaggle code, 0..6. */
    public int code() {
        return ordinal();
    }

    public static Emotion fromCode(int code) {
        if (code < 0 || code >= COUNT) {
            throw new IllegalArgumentException("emotion code " + code + " is out of range 0..6");
        }
        return BY_CODE[code];
    }

    /** Class names in code order, as recorded in model artifacts. */
    public static List<String> names() {
        return List.of("ANGRY", "DISGUST", "FEAR", "HAPPY", "SAD", "SURPRISE", "NEUTRAL");
    }
}
