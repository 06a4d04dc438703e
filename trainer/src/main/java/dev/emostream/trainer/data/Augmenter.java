package dev.emostream.trainer.data;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;

import java.util.Arrays;
import java.util.Random;

/**
 * Training-time augmentation on top of the shared preprocessing: a small random rotation, scale and shift of the
 * canonical face, a random crop position (instead of the centered one), a random horizontal flip, and optionally
 * random erasing (Zhong et al. 2017: a rectangle of the crop replaced, here by the crop's mean, so the net cannot
 * lean on one region).
 *
 * <p>All of it is drawn into one new canonical-size face whose <em>centered</em> crop is the training input
 * ({@link #augment}). A network with another crop size, such as a distillation teacher, then sees the same view by
 * taking its own centered crop of that face, the way it does when serving.
 */
public final class Augmenter {

    private final FacePreprocessor preprocessor;
    private final Augmentation augmentation;
    private final Random random;

    public Augmenter(FacePreprocessor preprocessor, Augmentation augmentation, long seed) {
        this.preprocessor = preprocessor;
        this.augmentation = augmentation;
        this.random = new Random(seed);
    }

    /** Writes one augmented (or, when disabled, centered) input for a canonical face. */
    public void write(FaceImage canonical, float[] out, int offset) {
        preprocessor.writeInput(augment(canonical), out, offset);
    }

    /**
     * A new canonical-size face whose centered crop is one augmented view of {@code canonical}; the same face when
     * augmentation is disabled. The random draws come in the order of earlier versions, so a seed gives the
     * crops it gave them (the erased rectangle's fill can differ by half a grey level).
     */
    public FaceImage augment(FaceImage canonical) {
        if (!augmentation.enabled()) {
            return canonical;
        }
        int size = canonical.width();
        int crop = preprocessor.recipe().cropSize();
        double angle = 0;
        double scale = 1;
        if (augmentation.rotationDegrees() > 0 || augmentation.scale() > 0) {
            angle = Math.toRadians((random.nextDouble() * 2 - 1) * augmentation.rotationDegrees());
            scale = 1 + (random.nextDouble() * 2 - 1) * augmentation.scale();
        }
        double dx = 0;
        double dy = 0;
        if (augmentation.shift() > 0) {
            dx = (random.nextDouble() * 2 - 1) * augmentation.shift() * size;
            dy = (random.nextDouble() * 2 - 1) * augmentation.shift() * size;
        }
        int slack = size - crop;
        int x0 = random.nextInt(slack + 1);
        int y0 = random.nextInt(slack + 1);
        boolean flip = random.nextBoolean();
        FaceImage face = transform(canonical, angle, scale, x0 + dx, y0 + dy, crop, flip);
        if (augmentation.erasing() > 0 && random.nextDouble() < augmentation.erasing()) {
            erase(face, preprocessor.recipe().centerOffset(), crop);
        }
        return face;
    }

    /**
     * The face rotated by {@code angle} and scaled about its center, then placed so that the crop at
     * ({@code cropX}, {@code cropY}) of that image, mirrored when {@code flip}, is the centered crop of the result.
     * Bilinear, edge pixels repeated outside; pixels outside the crop continue the same view.
     */
    static FaceImage transform(FaceImage src, double angle, double scale, double cropX, double cropY, int crop,
                               boolean flip) {
        int w = src.width(), h = src.height();
        int center = (w - crop) / 2;
        byte[] out = new byte[w * h];
        double cos = Math.cos(angle) / scale, sin = Math.sin(angle) / scale;
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        for (int y = 0; y < h; y++) {
            double v = cropY + (y - center);
            for (int x = 0; x < w; x++) {
                double u = flip ? cropX + crop - 1 - (x - center) : cropX + (x - center);
                double du = u - cx, dv = v - cy;
                double sx = Math.max(0, Math.min(w - 1, cos * du + sin * dv + cx));
                double sy = Math.max(0, Math.min(h - 1, -sin * du + cos * dv + cy));
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

    /** Area 2-20% of the crop at ({@code offset}, {@code offset}), aspect ratio 0.3-3.3, filled with the crop's mean. */
    private void erase(FaceImage face, int offset, int crop) {
        double area = crop * crop * (0.02 + random.nextDouble() * 0.18);
        double aspect = Math.exp(Math.log(0.3) + random.nextDouble() * (Math.log(3.3) - Math.log(0.3)));
        int h = (int) Math.min(crop, Math.round(Math.sqrt(area * aspect)));
        int w = (int) Math.min(crop, Math.round(Math.sqrt(area / aspect)));
        int y0 = offset + random.nextInt(crop - h + 1);
        int x0 = offset + random.nextInt(crop - w + 1);
        long sum = 0;
        for (int y = offset; y < offset + crop; y++) {
            for (int x = offset; x < offset + crop; x++) {
                sum += face.at(x, y);
            }
        }
        byte mean = (byte) Math.round(sum / (double) (crop * crop));
        byte[] px = face.pixels();
        for (int y = y0; y < y0 + h; y++) {
            Arrays.fill(px, y * face.width() + x0, y * face.width() + x0 + w, mean);
        }
    }
}
