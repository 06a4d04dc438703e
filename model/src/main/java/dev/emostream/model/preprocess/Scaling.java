package dev.emostream.model.preprocess;

/** How 8-bit pixels become network inputs. */
public enum Scaling {
    /** value / 255, in 0..1 (the reference study's choice). */
    UNIT,
    /** (value / 255 - mean) / std, with the recipe's mean and std. */
    STANDARDIZE
}
