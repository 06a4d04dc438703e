package dev.emostream.app.topology;

/**
 * Keys of the accuracy store and of the {@code emotion-accuracy} topic: {@code <model version>|<scope>}, where
 * scope is {@value #ALL} or {@code source:<source id>}.
 */
public final class AccuracyKey {

    public static final String ALL = "all";
    public static final String SOURCE_PREFIX = "source:";
    static final char SEPARATOR = '|';

    private AccuracyKey() {
    }

    public static String of(String modelVersion, String scope) {
        return modelVersion + SEPARATOR + scope;
    }

    public static String sourceScope(String sourceId) {
        return SOURCE_PREFIX + sourceId;
    }
}
