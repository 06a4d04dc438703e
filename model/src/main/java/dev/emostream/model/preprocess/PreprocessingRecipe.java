package dev.emostream.model.preprocess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a face becomes a network input; recorded in every model artifact so that serving repeats
 * exactly what training did.
 *
 * @param canonicalSize frames of another size are first resized (bilinear) to this square size
 * @param cropSize      the network's input: a crop of this size, centered at serving time
 * @param scaling       how pixel values are scaled
 * @param mean          for {@link Scaling#STANDARDIZE}: mean of value/255 over the training set
 * @param std           for {@link Scaling#STANDARDIZE}: its standard deviation
 * @param flipAverage   test-time augmentation: average the scores of the face and its mirror image
 * @param cornerCrops   test-time augmentation: average the centered crop with the four corner crops
 *                      (each mirrored too when {@code flipAverage}); costs five times the inference
 */
public record PreprocessingRecipe(int canonicalSize, int cropSize, Scaling scaling, float mean, float std,
                                  boolean flipAverage, boolean cornerCrops) {

    /** One input the network sees per face: a crop position and whether it is mirrored. */
    public record View(int x, int y, boolean flip) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public PreprocessingRecipe {
        if (canonicalSize < 8 || canonicalSize > 512) {
            throw new IllegalArgumentException("canonicalSize " + canonicalSize + " is outside 8..512");
        }
        if (cropSize < 8 || cropSize > canonicalSize) {
            throw new IllegalArgumentException("cropSize " + cropSize + " must be within 8.." + canonicalSize);
        }
        if (scaling == null) {
            throw new IllegalArgumentException("scaling is required");
        }
        if (scaling == Scaling.STANDARDIZE && !(std > 0)) {
            throw new IllegalArgumentException("STANDARDIZE needs std > 0, got " + std);
        }
    }

    /** 48x48 faces, center crop to 40x40, scaled to 0..1: the reference study's recipe. */
    public static PreprocessingRecipe fer2013(int cropSize) {
        return new PreprocessingRecipe(48, cropSize, Scaling.UNIT, 0f, 1f, false, false);
    }

    public PreprocessingRecipe withFlipAverage(boolean flip) {
        return new PreprocessingRecipe(canonicalSize, cropSize, scaling, mean, std, flip, cornerCrops);
    }

    public PreprocessingRecipe withCornerCrops(boolean corners) {
        return new PreprocessingRecipe(canonicalSize, cropSize, scaling, mean, std, flipAverage, corners);
    }

    /**
     * The inputs whose scores are averaged for one face at serving time: the centered crop first, then the
     * corners, each followed by its mirror image when {@code flipAverage}.
     */
    public java.util.List<View> views() {
        int c = centerOffset();
        int far = canonicalSize - cropSize;
        java.util.List<int[]> positions = new java.util.ArrayList<>();
        positions.add(new int[]{c, c});
        if (cornerCrops) {
            positions.add(new int[]{0, 0});
            positions.add(new int[]{far, 0});
            positions.add(new int[]{0, far});
            positions.add(new int[]{far, far});
        }
        java.util.List<View> views = new java.util.ArrayList<>();
        for (int[] p : positions) {
            views.add(new View(p[0], p[1], false));
            if (flipAverage) {
                views.add(new View(p[0], p[1], true));
            }
        }
        return java.util.List.copyOf(views);
    }

    /** Offset of the centered crop inside the canonical image. */
    public int centerOffset() {
        return (canonicalSize - cropSize) / 2;
    }

    public int inputLength() {
        return cropSize * cropSize;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PreprocessingRecipe fromJson(String json) {
        try {
            return JSON.readValue(json, PreprocessingRecipe.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a preprocessing recipe: " + e.getOriginalMessage(), e);
        }
    }
}
