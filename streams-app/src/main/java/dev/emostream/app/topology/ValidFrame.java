package dev.emostream.app.topology;

import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;

/**
 * A decoded frame that passed validation: what the classifier needs and what the event repeats.
 *
 * @param trueLabel null when the frame carries none
 */
public record ValidFrame(String frameId, String sourceId, long captureTimeMs, int width, int height, byte[] pixels,
                         Emotion trueLabel) {

    public FaceImage image() {
        return new FaceImage(width, height, pixels);
    }
}
