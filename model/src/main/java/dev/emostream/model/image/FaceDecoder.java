package dev.emostream.model.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.ImageRejectedException.Problem;

/**
 * Turns a frame's image (raw gray, PNG or JPEG, with or without a face box) into the 8-bit grayscale face the model
 * reads: the box cropped exactly, color converted to BT.601 luma ({@link Luma}). Everything that can be known
 * before decoding is checked before decoding, so no image makes it allocate more than its face: the byte count, the
 * record's size, the box, the face's size, then the file's signature and the size in its header (a decompression
 * bomb declares a huge size in a small file). Only the box is decoded ({@link ImageReadParam#setSourceRegion}), and a
 * JPEG's luma is its Y channel, which libjpeg gives without converting color.
 *
 * <p>The JDK's ImageIO readers, chosen by measurement over TwelveMonkeys' (docs/BENCHMARKS.md, "Image formats").
 * A reader keeps state between images and costs more to create than a 48x48 face does to decode, so each decoder
 * keeps one per format: use one decoder per thread, and close it.
 */
public final class FaceDecoder implements AutoCloseable {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final ImageLimits limits;
    private final ImageReader png = reader("png");
    private final ImageReader jpeg = reader("jpeg");
    /** libjpeg reports a truncated or damaged file as a warning and fills in gray; such a face is refused instead. */
    private final List<String> jpegWarnings = new ArrayList<>();

    public FaceDecoder(ImageLimits limits) {
        this.limits = limits;
        jpeg.addIIOReadWarningListener((source, warning) -> {
            // a damaged scan can warn once per block: the first few say what is wrong, and the message stays short
            if (jpegWarnings.size() < 3) {
                jpegWarnings.add(warning);
            }
        });
    }

    /**
     * @param width  the image's width as the record declares it
     * @param height the image's height as the record declares it
     * @param box    the face within the image; null when the whole image is the face
     * @throws ImageRejectedException naming the problem and the offending values
     */
    public FaceImage decode(ImageEncoding encoding, ByteBuffer data, int width, int height, FaceBox box) {
        FaceBox face = box != null ? box : new FaceBox(0, 0, width, height);
        boolean rawFace = encoding == ImageEncoding.RAW && box == null;
        if (rawFace) {
            // a frame as producers sent them before encodings and boxes: its reasons stay what they were
            checkFace(face, false);
        }
        checkSize(encoding + " " + width + "x" + height, width, height);
        if (box != null && !box.fitsIn(width, height)) {
            throw new ImageRejectedException(Problem.FACE_BOX_OUTSIDE_IMAGE, box + " leaves the " + width + "x"
                    + height + " image");
        }
        if (!rawFace) {
            checkFace(face, box != null);
        }
        int length = data == null ? 0 : data.remaining();
        if (length > limits.maxBytes()) {
            throw new ImageRejectedException(Problem.IMAGE_BYTES_TOO_LARGE, encoding + " of " + length
                    + " bytes exceeds the limit of " + limits.maxBytes());
        }
        return switch (encoding) {
            case RAW -> raw(data, length, width, height, face);
            case PNG -> file(png, PNG_SIGNATURE, encoding, data, width, height, face);
            case JPEG -> file(jpeg, JPEG_SIGNATURE, encoding, data, width, height, face);
        };
    }

    private void checkFace(FaceBox face, boolean boxed) {
        if (face.width() < limits.minFace() || face.width() > limits.maxFace() || face.height() < limits.minFace()
                || face.height() > limits.maxFace()) {
            throw new ImageRejectedException(Problem.SIZE_OUT_OF_BOUNDS, (boxed ? "face box " : "")
                    + face.width() + "x" + face.height() + " is outside the accepted " + limits.minFace() + ".."
                    + limits.maxFace() + " pixels a side");
        }
    }

    private void checkSize(String what, int width, int height) {
        if (width > limits.maxSize() || height > limits.maxSize() || (long) width * height > limits.maxPixels()) {
            throw new ImageRejectedException(Problem.IMAGE_TOO_LARGE, what + " exceeds " + limits.maxSize() + "x"
                    + limits.maxSize() + " or " + limits.maxPixels() + " pixels");
        }
    }

    private static FaceImage raw(ByteBuffer data, int length, int width, int height, FaceBox face) {
        if (length != width * height) {
            throw new ImageRejectedException(Problem.SIZE_MISMATCH, length + " pixels, expected " + width + "x"
                    + height + " = " + (width * height));
        }
        byte[] pixels = new byte[face.width() * face.height()];
        if (face.width() == width) { // whole rows: one copy
            data.duplicate().position(data.position() + face.y() * width).get(pixels);
            return new FaceImage(face.width(), face.height(), pixels);
        }
        for (int row = 0; row < face.height(); row++) {
            data.duplicate().position(data.position() + (face.y() + row) * width + face.x())
                    .get(pixels, row * face.width(), face.width());
        }
        return new FaceImage(face.width(), face.height(), pixels);
    }

    private FaceImage file(ImageReader reader, byte[] signature, ImageEncoding encoding, ByteBuffer data, int width,
                           int height, FaceBox face) {
        checkSignature(signature, encoding, data);
        jpegWarnings.clear();
        try (ImageInputStream in = new MemoryCacheImageInputStream(stream(data))) {
            // ignoreMetadata: text and profile chunks are never inflated (a zTXt chunk can be a bomb of its own)
            reader.setInput(in, true, true);
            int headerWidth = reader.getWidth(0);
            int headerHeight = reader.getHeight(0);
            checkSize(encoding + " header's " + headerWidth + "x" + headerHeight, headerWidth, headerHeight);
            if (headerWidth != width || headerHeight != height) {
                throw new ImageRejectedException(Problem.SIZE_MISMATCH, encoding + " header says " + headerWidth
                        + "x" + headerHeight + ", the record " + width + "x" + height);
            }
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(new Rectangle(face.x(), face.y(), face.width(), face.height()));
            if (reader == jpeg) {
                grayDestination(reader).ifPresent(param::setDestinationType);
            }
            BufferedImage image = reader.read(0, param);
            if (!jpegWarnings.isEmpty()) {
                throw new ImageRejectedException(truncated() ? Problem.TRUNCATED_IMAGE : Problem.CORRUPT_IMAGE,
                        encoding + " decoder: " + String.join("; ", jpegWarnings));
            }
            if (image.getWidth() != face.width() || image.getHeight() != face.height()) {
                throw new ImageRejectedException(Problem.CORRUPT_IMAGE, encoding + " decoded " + image.getWidth()
                        + "x" + image.getHeight() + " for a " + face.width() + "x" + face.height() + " face");
            }
            return new FaceImage(face.width(), face.height(), Luma.of(image));
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers throw unchecked exceptions too on damaged files (found by FaceDecoderFuzzTest)
            String warnings = jpegWarnings.isEmpty() ? "" : " (after " + String.join("; ", jpegWarnings) + ")";
            throw new ImageRejectedException(truncated() ? Problem.TRUNCATED_IMAGE : problemOf(e), encoding
                    + " cannot be decoded: " + describe(e) + warnings, e);
        } finally {
            reader.setInput(null);
        }
    }

    /**
     * The JDK's warning for JPEG data that ends early ("Truncated File - Missing EOI marker": it then supplies the
     * end-of-image marker itself), or libjpeg's own ("Premature end of JPEG file").
     */
    private boolean truncated() {
        return jpegWarnings.stream().anyMatch(w -> w.startsWith("Truncated File") || w.startsWith("Premature end"));
    }

    /** JPEG's gray output: libjpeg then returns Y as stored (YCbCr's Y is BT.601 luma) and skips color conversion. */
    private static java.util.Optional<ImageTypeSpecifier> grayDestination(ImageReader reader) throws IOException {
        for (Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0); types.hasNext(); ) {
            ImageTypeSpecifier type = types.next();
            if (type.getBufferedImageType() == BufferedImage.TYPE_BYTE_GRAY) {
                return java.util.Optional.of(type);
            }
        }
        return java.util.Optional.empty();
    }

    private static void checkSignature(byte[] signature, ImageEncoding encoding, ByteBuffer data) {
        int length = data == null ? 0 : data.remaining();
        int n = Math.min(length, signature.length);
        for (int i = 0; i < n; i++) {
            if (data.get(data.position() + i) != signature[i]) {
                throw new ImageRejectedException(Problem.UNSUPPORTED_IMAGE, "not a " + encoding + " file: it starts "
                        + startOf(data));
            }
        }
        if (n < signature.length) {
            throw new ImageRejectedException(Problem.TRUNCATED_IMAGE, encoding + " file of " + length
                    + " bytes ends inside its signature");
        }
    }

    private static Problem problemOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return Problem.TRUNCATED_IMAGE;
            }
            if (t.getMessage() != null && t.getMessage().startsWith("Unsupported")) {
                return Problem.UNSUPPORTED_IMAGE; // JDK: "Unsupported Image Type" (CMYK), "Unsupported JPEG process"
            }
        }
        return Problem.CORRUPT_IMAGE;
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.getMessage() != null ? e.getMessage() : e));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            s.append(": ").append(t.getMessage() != null ? t.getMessage() : t);
        }
        return s.toString();
    }

    private static String startOf(ByteBuffer data) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, data.remaining()); i++) {
            s.append(String.format("%02x ", data.get(data.position() + i) & 0xFF));
        }
        return s.toString().strip();
    }

    private static ByteArrayInputStream stream(ByteBuffer data) {
        if (data.hasArray()) {
            return new ByteArrayInputStream(data.array(), data.arrayOffset() + data.position(), data.remaining());
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return new ByteArrayInputStream(copy);
    }

    private static ImageReader reader(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new IllegalStateException("this JVM has no ImageIO reader for " + format);
        }
        return readers.next();
    }

    @Override
    public void close() {
        png.dispose();
        jpeg.dispose();
    }
}
