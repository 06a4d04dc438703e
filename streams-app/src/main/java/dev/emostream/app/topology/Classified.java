package dev.emostream.app.topology;

import dev.emostream.schemas.EmotionEvent;

/** What the micro-batch classifier forwards: each frame's event, then what its batch adds to the accuracy counts. */
sealed interface Classified {

    record Event(EmotionEvent event) implements Classified {
    }

    record Accuracy(AccuracyUpdate update) implements Classified {
    }
}
