package dev.emostream.trainer.data;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;

import java.util.Random;

/**
 * Training-time augmentation on top of the shared preprocessing: a small random rotation and
 * scale of the canonical face, then a random crop (instead of the centered one) and a random
 * horizontal flip, and optionally random erasing (Zhong et al. 2017: a rectangle of the crop replaced, here by the
 * crop's mean, so the net cannot lean on one region). Serving uses the centered crop of the unrotated face.
 */
public final class Augmenter {

    private final FacePreprocessor preprocessor;
    private final boolean enabled;
    private final double maxRotationDegrees;
    private final double maxScale;
    private final double erasing;
    private final Random random;

    public Augmenter(FacePreprocessor preprocessor, boolean enabled, double maxRotationDegrees, double maxScale, long seed) {
        this(preprocessor, enabled, maxRotationDegrees, maxScale, 0, seed);
    }

    /** @param erasing probability of erasing a random rectangle of each crop */
    public Augmenter(FacePreprocessor preprocessor, boolean enabled, double maxRotationDegrees, double maxScale,
                     double erasing, long seed) {
        this.preprocessor = preprocessor;
        this.enabled = enabled;
        this.maxRotationDegrees = maxRotationDegrees;
        this.maxScale = maxScale;
        this.erasing = erasing;
        this.random = new Random(seed);
    }

    /** Writes one augmented (or, when disabled, centered) input for a canonical face. */
    public void write(FaceImage canonical, float[] out, int offset) {
        int slack = preprocessor.recipe().canonicalSize() - preprocessor.recipe().cropSize();
        if (!enabled) {
            int c = preprocessor.recipe().centerOffset();
            preprocessor.writeCrop(canonical, c, c, false, out, offset);
            return;
        }
        FaceImage face = canonical;
        if (maxRotationDegrees > 0 || maxScale > 0) {
            double angle = Math.toRadians((random.nextDouble() * 2 - 1) * maxRotationDegrees);
            double scale = 1 + (random.nextDouble() * 2 - 1) * maxScale;
            face = rotate(canonical, angle, scale);
        }
        int x0 = random.nextInt(slack + 1);
        int y0 = random.nextInt(slack + 1);
        preprocessor.writeCrop(face, x0, y0, random.nextBoolean(), out, offset);
        if (erasing > 0 && random.nextDouble() < erasing) {
            erase(out, offset, preprocessor.recipe().cropSize());
        }
    }

    /** Area 2-20% of the crop, aspect ratio 0.3-3.3, filled with the crop's mean. */
    private void erase(float[] out, int offset, int size) {
        double area = size * size * (0.02 + random.nextDouble() * 0.18);
        double aspect = Math.exp(Math.log(0.3) + random.nextDouble() * (Math.log(3.3) - Math.log(0.3)));
        int h = (int) Math.min(size, Math.round(Math.sqrt(area * aspect)));
        int w = (int) Math.min(size, Math.round(Math.sqrt(area / aspect)));
        int y0 = random.nextInt(size - h + 1);
        int x0 = random.nextInt(size - w + 1);
        double sum = 0;
        for (int i = 0; i < size * size; i++) {
            sum += out[offset + i];
        }
        float mean = (float) (sum / (size * size));
        for (int y = y0; y < y0 + h; y++) {
            java.util.Arrays.fill(out, offset + y * size + x0, offset + y * size + x0 + w, mean);
        }
    }

    /** Rotation and scale about the center, bilinear, edge pixels repeated outside. */
    static FaceImage rotate(FaceImage src, double angle, double scale) {
        int w = src.width(), h = src.height();
        byte[] out = new byte[w * h];
        double cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x - cx, dy = y - cy;
                double sx = Math.max(0, Math.min(w - 1, cos * dx + sin * dy + cx));
                double sy = Math.max(0, Math.min(h - 1, -sin * dx + cos * dy + cy));
                int x1 = (int) sx, y1 = (int) sy;
                int x2 = Math.min(x1 + 1, w - 1), y2 = Math.min(y1 + 1, h - 1);
                double fx = sx - x1, fy = sy - y1;
                double top = src.at(x1, y1) * (1 - fx) + src.at(x2, y1) * fx;
                double bottom = src.at(x1, y2) * (1 - fx) + src.at(x2, y2) * fx;
                out[y * w + x] = (byte) Math.round(top * (1 - fy) + bottom * fy);
            }
        }
        return new FaceImage(w, h, out);
    }
}
