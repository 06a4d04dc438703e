package dev.emostream.app.topology;

import dev.emostream.schemas.EmotionEvent;

/**
 * What the micro-batch classifier forwards: each frame's event, then what its batch adds to the accuracy counts;
 * during a rollout also the challenger's events for the frames it shadowed and the batch's paired counts.
 */
sealed interface Classified {

    record Event(EmotionEvent event) implements Classified {
    }

    record Accuracy(AccuracyUpdate update) implements Classified {
    }

    /** The challenger's event for a shadowed frame: to the shadow topic. */
    record Shadow(EmotionEvent event) implements Classified {
    }

    /** What a batch adds to its rollout's paired counts: to the rollout judge. */
    record Comparison(PairedCounts counts) implements Classified {
    }
}
