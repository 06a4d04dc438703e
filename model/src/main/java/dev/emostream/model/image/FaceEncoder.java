package dev.emostream.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import dev.emostream.model.face.FaceImage;

/**
 * Writes images as camera services send them, for the replay tool, the benchmarks and the tests: the JDK's PNG
 * writer, and its JPEG writer (libjpeg: JFIF, YCbCr with 4:2:0 chroma for color) at a stated quality.
 */
public final class FaceEncoder {

    private FaceEncoder() {
    }

    /** A gray image holding the face's pixels. */
    public static BufferedImage gray(FaceImage face) {
        BufferedImage image = new BufferedImage(face.width(), face.height(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, face.width(), face.height(), face.pixels());
        return image;
    }

    /**
     * @param encoding PNG or JPEG
     * @param jpegQuality 0..1, for JPEG
     */
    public static byte[] encode(BufferedImage image, ImageEncoding encoding, float jpegQuality) {
        if (encoding == ImageEncoding.RAW) {
            throw new IllegalArgumentException("RAW is not a file format: send the pixels");
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName(encoding.name().toLowerCase(Locale.ROOT)).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (encoding == ImageEncoding.JPEG) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(jpegQuality);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + encoding + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
