package dev.emostream.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Color to 8-bit luma with ITU-R BT.601 weights (0.299 R + 0.587 G + 0.114 B) on the stored, gamma-encoded values.
 * Why these: they are the Y of JFIF's YCbCr, so a color JPEG's luma is the Y its encoder stored (the decoder asks
 * libjpeg for exactly that), and they are what OpenCV's {@code COLOR_BGR2GRAY} and most FER pipelines use. The
 * fixed-point weights sum to 65536, so a gray pixel (r = g = b) keeps its value exactly. Alpha is ignored and no ICC
 * profile or gamma chunk is applied: the values are taken as stored, as FER2013's were.
 */
public final class Luma {

    private static final int R = 19595;
    private static final int G = 38470;
    private static final int B = 7471;

    private Luma() {
    }

    /** The luma of one 8-bit RGB pixel. */
    public static int of(int r, int g, int b) {
        return (R * r + G * g + B * b + 32768) >> 16;
    }

    /** The image's pixels as 8-bit luma, row-major. */
    static byte[] of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getData().length == w * h && raster.getParent() == null) {
            return buffer.getData(); // a freshly decoded gray image: its buffer is exactly the pixels
        }
        ColorModel model = image.getColorModel();
        byte[] out = new byte[w * h];
        if (model instanceof IndexColorModel palette) {
            int[] index = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) of(palette.getRed(index[i]), palette.getGreen(index[i]), palette.getBlue(index[i]));
            }
            return out;
        }
        int space = model.getColorSpace().getType();
        if (space == ColorSpace.TYPE_GRAY) {
            int[] gray = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            int max = (1 << model.getComponentSize(0)) - 1;
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) to8(gray[i], max);
            }
            return out;
        }
        if (space == ColorSpace.TYPE_RGB && raster.getNumBands() >= 3) {
            int[] r = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            int[] g = raster.getSamples(0, 0, w, h, 1, (int[]) null);
            int[] b = raster.getSamples(0, 0, w, h, 2, (int[]) null);
            int max = (1 << model.getComponentSize(0)) - 1;
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) of(to8(r[i], max), to8(g[i], max), to8(b[i], max));
            }
            return out;
        }
        throw new ImageRejectedException(ImageRejectedException.Problem.UNSUPPORTED_IMAGE,
                "color space " + colorSpaceName(space) + " with " + raster.getNumBands() + " bands is not gray or RGB");
    }

    /** A sample of {@code max} full scale (1, 3, 15, 255, 65535) as 0..255, rounded. */
    private static int to8(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }

    private static String colorSpaceName(int type) {
        return switch (type) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            default -> "type " + type;
        };
    }
}
