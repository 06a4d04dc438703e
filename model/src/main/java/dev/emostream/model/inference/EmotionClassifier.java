package dev.emostream.model.inference;

import dev.emostream.model.face.FaceImage;

import java.util.List;

/** Classifies faces in batches; one call, one model version. */
public interface EmotionClassifier {

    /** The version named by every prediction this classifier makes. */
    String modelVersion();

    /** One prediction per face, in order. Faces of any size; the model's recipe resizes and crops them. */
    List<EmotionPrediction> classify(List<FaceImage> faces);
}
