package dev.emostream.app.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.emostream.model.Emotion;

/**
 * What one batch adds to the accuracy counts: for each (model version, scope) its events touched, overall and per
 * source, the frames seen and the confusion cells of the labeled ones.
 */
final class BatchAccuracy {

    private static final class Counts {
        final String modelVersion;
        final String scope;
        final long[] confusion = new long[Emotion.COUNT * Emotion.COUNT];
        long seen;

        Counts(String modelVersion, String scope) {
            this.modelVersion = modelVersion;
            this.scope = scope;
        }
    }

    private final Map<String, Counts> byKey = new LinkedHashMap<>();

    /** One classified frame, counted overall and for its source; {@code truth} null for an unlabeled frame. */
    void add(String version, String sourceId, Emotion predicted, Emotion truth) {
        count(version, AccuracyKey.ALL, predicted, truth);
        count(version, AccuracyKey.sourceScope(sourceId), predicted, truth);
    }

    /**
     * One frame the challenger shadowed: its accuracy as {@code <challenger>|shadow} ({@code truth} null for an
     * unlabeled frame), its agreement as {@code <challenger>|agreement:<champion>}, the champion's class as the truth.
     */
    void addShadow(String challenger, String champion, Emotion predicted, Emotion championPredicted, Emotion truth) {
        count(challenger, AccuracyKey.SHADOW, predicted, truth);
        count(challenger, AccuracyKey.agreementScope(champion), predicted, championPredicted);
    }

    private void count(String version, String scope, Emotion predicted, Emotion truth) {
        Counts c = byKey.computeIfAbsent(AccuracyKey.of(version, scope), k -> new Counts(version, scope));
        c.seen++;
        if (truth != null) {
            c.confusion[truth.code() * Emotion.COUNT + predicted.code()]++;
        }
    }

    /** One update per (version, scope), in the order they were first touched. */
    List<AccuracyUpdate> updates() {
        List<AccuracyUpdate> updates = new ArrayList<>(byKey.size());
        for (Counts c : byKey.values()) {
            updates.add(new AccuracyUpdate(c.modelVersion, c.scope, c.seen, c.confusion));
        }
        return updates;
    }
}
