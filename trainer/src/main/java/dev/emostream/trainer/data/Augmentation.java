package dev.emostream.trainer.data;

import java.util.Locale;

/**
 * How training faces are varied (see {@link Augmenter}).
 *
 * @param enabled         false: the centered crop only, as served
 * @param rotationDegrees largest rotation either way
 * @param scale           largest scale change either way (0.2: the face drawn at 0.8-1.2 times its size)
 * @param shift           largest translation either way beyond the random crop's own, as a share of the face side
 * @param erasing         probability of erasing a random rectangle of the crop
 */
public record Augmentation(boolean enabled, double rotationDegrees, double scale, double shift, double erasing) {

    public Augmentation {
        if (rotationDegrees < 0 || scale < 0 || scale >= 1 || shift < 0 || shift > 0.5 || erasing < 0 || erasing > 1) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "augmentation out of range: rotation %s "
                    + "(>= 0), scale %s (0 to below 1), shift %s (0-0.5), erasing %s (0-1)", rotationDegrees, scale,
                    shift, erasing));
        }
    }

    public static Augmentation none() {
        return new Augmentation(false, 0, 0, 0, 0);
    }

    /** For model.json: what a person needs to repeat it. */
    public String describe() {
        if (!enabled) {
            return "none";
        }
        return "random crop, flip, rotation +-" + rotationDegrees + " deg, scale +-" + scale
                + (shift > 0 ? ", shift +-" + shift : "") + (erasing > 0 ? ", random erasing p=" + erasing : "");
    }
}
