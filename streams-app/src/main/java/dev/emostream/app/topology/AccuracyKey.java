package dev.emostream.app.topology;

/**
 * Keys of the accuracy store and of the {@code emotion-accuracy} topic: {@code <model version>|<scope>}, where
 * scope is {@value #ALL} or {@code source:<source id>} for the frames a version served, and during a rollout
 * {@value #SHADOW} for the frames a challenger shadowed and {@code agreement:<champion version>} for how often it
 * agreed with the champion on them (there the champion's class stands where the true label does: {@code labeled} is
 * the frames shadowed, {@code correct} those both put in the same class, the confusion matrix's rows the champion's
 * classes).
 */
public final class AccuracyKey {

    public static final String ALL = "all";
    public static final String SOURCE_PREFIX = "source:";
    public static final String SHADOW = "shadow";
    public static final String AGREEMENT_PREFIX = "agreement:";
    static final char SEPARATOR = '|';

    private AccuracyKey() {
    }

    public static String of(String modelVersion, String scope) {
        return modelVersion + SEPARATOR + scope;
    }

    public static String sourceScope(String sourceId) {
        return SOURCE_PREFIX + sourceId;
    }

    public static String agreementScope(String championVersion) {
        return AGREEMENT_PREFIX + championVersion;
    }
}
