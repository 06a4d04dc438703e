package dev.emostream.model.preprocess;

import dev.emostream.model.face.FaceImage;

/**
 * The one implementation of a {@link PreprocessingRecipe}, used by the trainer (with random crop
 * offsets and flips) and by serving (centered crop). Writes into caller-owned float buffers so a
 * whole batch is filled without per-frame allocation.
 */
public final class FacePreprocessor {

    private final PreprocessingRecipe recipe;
    private final float[] lookup = new float[256];

    public FacePreprocessor(PreprocessingRecipe recipe) {
        this.recipe = recipe;
        for (int v = 0; v < 256; v++) {
            float unit = v / 255f;
            lookup[v] = recipe.scaling() == Scaling.UNIT ? unit : (unit - recipe.mean()) / recipe.std();
        }
    }

    public PreprocessingRecipe recipe() {
        return recipe;
    }

    /** The image at the recipe's canonical size: the same instance when it already is, else a bilinear resize. */
    public FaceImage canonical(FaceImage face) {
        int size = recipe.canonicalSize();
        if (face.width() == size && face.height() == size) {
            return face;
        }
        return resizeBilinear(face, size, size);
    }

    /** Canonical size, centered crop, scaling: the serving path. Writes {@code inputLength()} floats at {@code offset}. */
    public void writeInput(FaceImage face, float[] out, int offset) {
        int c = recipe.centerOffset();
        writeCrop(canonical(face), c, c, false, out, offset);
    }

    public float[] input(FaceImage face) {
        float[] out = new float[recipe.inputLength()];
        writeInput(face, out, 0);
        return out;
    }

    /**
     * Crops a canonical-size image at ({@code x0}, {@code y0}), optionally mirrored left-right, scales it,
     * and writes it row-major at {@code offset}.
     */
    public void writeCrop(FaceImage canonical, int x0, int y0, boolean flip, float[] out, int offset) {
        int size = recipe.canonicalSize();
        int crop = recipe.cropSize();
        if (canonical.width() != size || canonical.height() != size) {
            throw new IllegalArgumentException("expected a " + size + "x" + size + " image, got "
                    + canonical.width() + "x" + canonical.height());
        }
        if (x0 < 0 || y0 < 0 || x0 + crop > size || y0 + crop > size) {
            throw new IllegalArgumentException("crop at (" + x0 + "," + y0 + ") of size " + crop + " leaves the "
                    + size + "x" + size + " image");
        }
        byte[] px = canonical.pixels();
        int o = offset;
        for (int y = 0; y < crop; y++) {
            int row = (y0 + y) * size + x0;
            if (flip) {
                for (int x = crop - 1; x >= 0; x--) {
                    out[o++] = lookup[px[row + x] & 0xFF];
                }
            } else {
                for (int x = 0; x < crop; x++) {
                    out[o++] = lookup[px[row + x] & 0xFF];
                }
            }
        }
    }

    /**
     * Bilinear resize with pixel centers aligned (OpenCV's INTER_LINEAR convention), so a 2x upscale
     * of a constant image stays constant and edges do not shift by half a pixel.
     */
    static FaceImage resizeBilinear(FaceImage src, int width, int height) {
        byte[] out = new byte[width * height];
        double sx = (double) src.width() / width;
        double sy = (double) src.height() / height;
        for (int y = 0; y < height; y++) {
            double fy = Math.max(0, Math.min(src.height() - 1, (y + 0.5) * sy - 0.5));
            int y1 = (int) fy;
            int y2 = Math.min(y1 + 1, src.height() - 1);
            double wy = fy - y1;
            for (int x = 0; x < width; x++) {
                double fx = Math.max(0, Math.min(src.width() - 1, (x + 0.5) * sx - 0.5));
                int x1 = (int) fx;
                int x2 = Math.min(x1 + 1, src.width() - 1);
                double wx = fx - x1;
                double top = src.at(x1, y1) * (1 - wx) + src.at(x2, y1) * wx;
                double bottom = src.at(x1, y2) * (1 - wx) + src.at(x2, y2) * wx;
                out[y * width + x] = (byte) Math.round(top * (1 - wy) + bottom * wy);
            }
        }
        return new FaceImage(width, height, out);
    }
}
