package dev.emostream.app.replay;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Locale;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.FaceBox;
import dev.emostream.model.image.FaceEncoder;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.model.image.Luma;
import dev.emostream.schemas.FaceFrame;

/**
 * How the replay tool (and the demo and benchmarks through it) sends a face, as a camera service would: raw gray
 * pixels, a PNG or a JPEG file; the 48x48 face alone, or with {@code faceBox} a 640x480 frame (a textured color scene
 * for PNG and JPEG, its luma for RAW) with the face at a position that varies from frame to frame and a box that is
 * exactly the face's 48x48 area. The positions are multiples of 8, JPEG's block size, so a JPEG frame codes the face's
 * luma in the same blocks as the face's own JPEG does and decodes to the same pixels: the box path adds nothing to
 * what the encoding already changes.
 */
public record FrameFormat(ImageEncoding encoding, boolean faceBox, float jpegQuality) {

    public static final float DEFAULT_JPEG_QUALITY = 0.95f;
    public static final FrameFormat RAW = new FrameFormat(ImageEncoding.RAW, false, DEFAULT_JPEG_QUALITY);
    public static final int FRAME_WIDTH = 640;
    public static final int FRAME_HEIGHT = 480;
    private static final BufferedImage COLOR_SCENE = scene();
    private static final BufferedImage GRAY_SCENE = gray(COLOR_SCENE);

    public FrameFormat {
        if (!(jpegQuality > 0 && jpegQuality <= 1)) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
        }
    }

    /** The image a camera would send for face number {@code index}. */
    public CameraImage encode(FaceImage face, long index) {
        if (!faceBox) {
            byte[] bytes = encoding == ImageEncoding.RAW ? face.pixels()
                    : FaceEncoder.encode(FaceEncoder.gray(face), encoding, jpegQuality);
            return new CameraImage(encoding, face.width(), face.height(), bytes, null);
        }
        FaceBox box = new FaceBox(8 * (int) (index * 37 % ((FRAME_WIDTH - face.width()) / 8 + 1)),
                8 * (int) (index * 23 % ((FRAME_HEIGHT - face.height()) / 8 + 1)), face.width(), face.height());
        boolean color = encoding != ImageEncoding.RAW;
        BufferedImage scene = color ? COLOR_SCENE : GRAY_SCENE;
        BufferedImage frame = new BufferedImage(FRAME_WIDTH, FRAME_HEIGHT, scene.getType());
        frame.setData(scene.getRaster());
        // gray in a color frame: r = g = b, whose BT.601 luma is the pixel itself
        frame.getRaster().setRect(box.x(), box.y(), color ? FaceEncoder.gray(face).getRaster().createChild(0, 0,
                face.width(), face.height(), 0, 0, new int[]{0, 0, 0}) : FaceEncoder.gray(face).getRaster());
        byte[] bytes = color ? FaceEncoder.encode(frame, encoding, jpegQuality)
                : ((java.awt.image.DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        return new CameraImage(encoding, FRAME_WIDTH, FRAME_HEIGHT, bytes, box);
    }

    /** {@code raw}, {@code png}, {@code jpeg q90}, with {@code +box} for frames with a box. */
    public String describe() {
        return encoding.name().toLowerCase(Locale.ROOT)
                + (encoding == ImageEncoding.JPEG ? " q" + Math.round(jpegQuality * 100) : "")
                + (faceBox ? " in a " + FRAME_WIDTH + "x" + FRAME_HEIGHT + " frame with a face box" : " 48x48");
    }

    /** What a frame record carries of its image. */
    public record CameraImage(ImageEncoding encoding, int width, int height, byte[] bytes, FaceBox box) {

        /** Sets the record's width, height, pixels, encoding and face box. */
        public FaceFrame.Builder writeTo(FaceFrame.Builder frame) {
            return frame.setWidth(width).setHeight(height).setPixels(ByteBuffer.wrap(bytes))
                    .setEncoding(dev.emostream.schemas.ImageEncoding.valueOf(encoding.name()))
                    .setFaceBox(box == null ? null : new dev.emostream.schemas.FaceBox(box.x(), box.y(), box.width(),
                            box.height()));
        }
    }

    /** A fixed textured color scene, so frames cost what a camera's do to encode, send and decode. */
    private static BufferedImage scene() {
        BufferedImage image = new BufferedImage(FRAME_WIDTH, FRAME_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        java.util.Random noise = new java.util.Random(29);
        for (int y = 0; y < FRAME_HEIGHT; y++) {
            for (int x = 0; x < FRAME_WIDTH; x++) {
                int r = 128 + (int) (90 * Math.sin(x / 23.0 + y / 41.0)) + noise.nextInt(16);
                int g = 128 + (int) (80 * Math.sin(y / 17.0)) + noise.nextInt(16);
                int b = (x * y / 300 + noise.nextInt(16)) & 0xFF;
                image.setRGB(x, y, Math.min(255, r) << 16 | Math.min(255, g) << 8 | b);
            }
        }
        return image;
    }

    /** The scene's BT.601 luma, for raw frames. */
    private static BufferedImage gray(BufferedImage color) {
        BufferedImage gray = new BufferedImage(color.getWidth(), color.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < color.getHeight(); y++) {
            for (int x = 0; x < color.getWidth(); x++) {
                int rgb = color.getRGB(x, y);
                gray.getRaster().setSample(x, y, 0, Luma.of(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF));
            }
        }
        return gray;
    }
}
