package dev.emostream.trainer.cli;

import dev.emostream.model.preprocess.PreprocessingRecipe;

/** The {@code --tta} choices: which views of a face are averaged at serving time. */
final class TestTimeAugmentation {

    static final String CHOICES = "none | flip | corners (5 views: center and corner crops) | flip+corners (10 views: "
            + "the five crops, each mirrored)";

    private TestTimeAugmentation() {
    }

    static PreprocessingRecipe apply(String tta, PreprocessingRecipe recipe) {
        return recipe.withFlipAverage(flip(tta)).withCornerCrops(corners(tta));
    }

    static boolean flip(String tta) {
        return switch (check(tta)) {
            case "flip", "flip+corners" -> true;
            default -> false;
        };
    }

    static boolean corners(String tta) {
        return switch (check(tta)) {
            case "corners", "flip+corners" -> true;
            default -> false;
        };
    }

    private static String check(String tta) {
        return check(tta, "--tta");
    }

    /** {@code tta} when it is one of the {@link #CHOICES}; else a one-line refusal naming {@code option}. */
    static String check(String tta, String option) {
        if (!tta.equals("none") && !tta.equals("flip") && !tta.equals("corners") && !tta.equals("flip+corners")) {
            throw new IllegalArgumentException("unknown " + option + " '" + tta + "': use " + CHOICES);
        }
        return tta;
    }

    /** A short tag for version names. */
    static String tag(String tta) {
        return switch (check(tta)) {
            case "none" -> "tta1";
            case "flip" -> "tta2";
            case "corners" -> "tta5";
            default -> "tta10";
        };
    }
}
