package dev.emostream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.ImageRejectedException.Problem;

class FaceDecoderTest {

    private final FaceDecoder decoder = new FaceDecoder(ImageLimits.defaults(8, 1024));

    @AfterEach
    void close() {
        decoder.close();
    }

    /** A 48x48 face with texture in every 8x8 block, like a real one. */
    static FaceImage face(long seed) {
        Random random = new Random(seed);
        byte[] px = new byte[48 * 48];
        for (int i = 0; i < px.length; i++) {
            int x = i % 48;
            int y = i / 48;
            px[i] = (byte) Math.min(255, 40 + 3 * x + 2 * y + random.nextInt(30));
        }
        return new FaceImage(48, 48, px);
    }

    /** A color frame with a smooth colored background and the face's gray pixels at (x, y). */
    static BufferedImage colorFrame(FaceImage face, int width, int height, int x, int y) {
        BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                frame.setRGB(col, row, (col * 255 / width) << 16 | (row * 255 / height) << 8 | 120);
            }
        }
        for (int row = 0; row < face.height(); row++) {
            for (int col = 0; col < face.width(); col++) {
                int v = face.at(col, row);
                frame.setRGB(x + col, y + row, v << 16 | v << 8 | v);
            }
        }
        return frame;
    }

    /** The face alone as a gray PNG, or a gray JPEG at quality 0.9. */
    static byte[] encoded(FaceImage face, ImageEncoding encoding) {
        return FaceEncoder.encode(FaceEncoder.gray(face), encoding, 0.9f);
    }

    private FaceImage decode(ImageEncoding encoding, byte[] data, int width, int height, FaceBox box) {
        return decoder.decode(encoding, ByteBuffer.wrap(data), width, height, box);
    }

    @Test
    @DisplayName("a raw frame is its own face, pixel for pixel")
    void rawIsTheFace() {
        FaceImage face = face(1);
        assertThat(decode(ImageEncoding.RAW, face.pixels(), 48, 48, null)).isEqualTo(face);
    }

    @Test
    @DisplayName("a PNG face decodes to exactly the raw pixels (lossless)")
    void pngIsLossless() {
        FaceImage face = face(2);
        byte[] png = encoded(face, ImageEncoding.PNG);
        assertThat(decode(ImageEncoding.PNG, png, 48, 48, null)).isEqualTo(face);
    }

    @Test
    @DisplayName("a JPEG face at quality 0.9 decodes within a few levels of the raw pixels")
    void jpegIsClose() {
        FaceImage face = face(3);
        byte[] jpeg = encoded(face, ImageEncoding.JPEG);
        FaceImage decoded = decode(ImageEncoding.JPEG, jpeg, 48, 48, null);
        double meanError = 0;
        for (int i = 0; i < face.pixels().length; i++) {
            meanError += Math.abs((face.pixels()[i] & 0xFF) - (decoded.pixels()[i] & 0xFF));
        }
        meanError /= face.pixels().length;
        assertThat(decoded.width()).isEqualTo(48);
        assertThat(meanError).isBetween(0.1, 4.0);
    }

    @Test
    @DisplayName("a box crops exactly its rectangle from a raw frame and from a PNG frame")
    void boxCropsExactly() {
        FaceImage face = face(4);
        BufferedImage frame = colorFrame(face, 160, 120, 37, 51);
        FaceBox box = new FaceBox(37, 51, 48, 48);
        byte[] png = FaceEncoder.encode(frame, ImageEncoding.PNG, 0);
        assertThat(decode(ImageEncoding.PNG, png, 160, 120, box)).isEqualTo(face);

        byte[] raw = new byte[160 * 120];
        for (int y = 0; y < 48; y++) {
            System.arraycopy(face.pixels(), y * 48, raw, (51 + y) * 160 + 37, 48);
        }
        assertThat(decode(ImageEncoding.RAW, raw, 160, 120, box)).isEqualTo(face);
        FaceImage corner = decode(ImageEncoding.RAW, raw, 160, 120, new FaceBox(37, 51, 10, 8));
        assertThat(corner.at(9, 7)).isEqualTo(face.at(9, 7));
        assertThat(corner.width()).isEqualTo(10);
    }

    @Test
    @DisplayName("a gray face in a color JPEG frame, on the 8-pixel block grid, decodes to the same pixels as the face's own JPEG")
    void colorJpegLumaIsItsY() {
        FaceImage face = face(5);
        byte[] alone = encoded(face, ImageEncoding.JPEG);
        byte[] framed = FaceEncoder.encode(colorFrame(face, 640, 480, 320, 200), ImageEncoding.JPEG, 0.9f);
        assertThat(decode(ImageEncoding.JPEG, framed, 640, 480, new FaceBox(320, 200, 48, 48)))
                .isEqualTo(decode(ImageEncoding.JPEG, alone, 48, 48, null));
    }

    @Test
    @DisplayName("color becomes BT.601 luma: red 76, green 150, blue 29, gray unchanged; palettes and 16-bit samples too")
    void colorToLuma() {
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        int[] colors = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF808080, 0x00FFFFFF};
        for (int i = 0; i < 64; i++) {
            rgb.setRGB(i % 8, i / 8, colors[Math.min(i, colors.length - 1)]);
        }
        FaceImage luma = decode(ImageEncoding.PNG, FaceEncoder.encode(rgb, ImageEncoding.PNG, 0), 8, 8, null);
        assertThat(Arrays.copyOf(luma.pixels(), 5)).containsExactly(76, (byte) 150, 29, (byte) 128, (byte) 255);

        IndexColorModel palette = new IndexColorModel(8, 2, new byte[]{(byte) 255, 0}, new byte[]{0, 0},
                new byte[]{0, (byte) 255});
        BufferedImage indexed = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, palette);
        indexed.getRaster().setSample(1, 0, 0, 1);
        FaceImage fromPalette = decode(ImageEncoding.PNG, FaceEncoder.encode(indexed, ImageEncoding.PNG, 0), 8, 8, null);
        assertThat(fromPalette.at(0, 0)).isEqualTo(76);
        assertThat(fromPalette.at(1, 0)).isEqualTo(29);

        BufferedImage deep = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 65535);
        deep.getRaster().setSample(1, 0, 0, 32896); // 128.5 of 255: rounds to 128
        FaceImage from16 = decode(ImageEncoding.PNG, FaceEncoder.encode(deep, ImageEncoding.PNG, 0), 8, 8, null);
        assertThat(from16.at(0, 0)).isEqualTo(255);
        assertThat(from16.at(1, 0)).isEqualTo(128);
    }

    @Test
    @DisplayName("a small file whose header declares 20000x20000 is refused from the header, before decoding")
    void bombRefusedFromHeader() {
        byte[] png = withPngSize(encoded(face(6), ImageEncoding.PNG), 20000, 20000);
        assertThatThrownBy(() -> decode(ImageEncoding.PNG, png, 48, 48, null))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.IMAGE_TOO_LARGE);
                    assertThat(e.getMessage()).contains("20000x20000", "4096x4096");
                });
        assertThat(problem(() -> decode(ImageEncoding.JPEG, new byte[100], 20000, 20000, null)))
                .isEqualTo(Problem.IMAGE_TOO_LARGE);
        assertThat(problem(() -> decode(ImageEncoding.JPEG, new byte[100], 4096, 4097, new FaceBox(0, 0, 48, 48))))
                .isEqualTo(Problem.IMAGE_TOO_LARGE);
    }

    @Test
    @DisplayName("a raw frame without a box keeps the reasons it always had: huge dimensions are SIZE_OUT_OF_BOUNDS")
    void rawFrameReasonsStable() {
        assertThat(problem(() -> decode(ImageEncoding.RAW, new byte[2304], 100_000, 100_000, null)))
                .isEqualTo(Problem.SIZE_OUT_OF_BOUNDS);
        assertThat(problem(() -> decode(ImageEncoding.RAW, new byte[2303], 48, 48, null)))
                .isEqualTo(Problem.SIZE_MISMATCH);
    }

    @Test
    @DisplayName("each bad image is refused with its own problem and a message naming the values")
    void badImages() {
        FaceImage face = face(7);
        byte[] png = encoded(face, ImageEncoding.PNG);
        byte[] jpeg = encoded(face, ImageEncoding.JPEG);

        FaceDecoder small = new FaceDecoder(new ImageLimits(1000, 4096, 1 << 24, 8, 1024));
        assertThatThrownBy(() -> small.decode(ImageEncoding.PNG, ByteBuffer.wrap(png), 48, 48, null))
                .hasMessageContaining(png.length + " bytes exceeds the limit of 1000")
                .extracting(e -> ((ImageRejectedException) e).problem()).isEqualTo(Problem.IMAGE_BYTES_TOO_LARGE);
        small.close();

        assertThat(problem(() -> decode(ImageEncoding.PNG, jpeg, 48, 48, null))).isEqualTo(Problem.UNSUPPORTED_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.JPEG, "GIF89a....".getBytes(), 48, 48, null)))
                .isEqualTo(Problem.UNSUPPORTED_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.PNG, png, 48, 48, new FaceBox(10, 10, 48, 48))))
                .isEqualTo(Problem.FACE_BOX_OUTSIDE_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.RAW, face.pixels(), 48, 48, new FaceBox(-1, 0, 8, 8))))
                .isEqualTo(Problem.FACE_BOX_OUTSIDE_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.PNG, Arrays.copyOf(png, png.length / 2), 48, 48, null)))
                .isEqualTo(Problem.TRUNCATED_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.JPEG, Arrays.copyOf(jpeg, jpeg.length / 2), 48, 48, null)))
                .isEqualTo(Problem.TRUNCATED_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.PNG, Arrays.copyOf(png, 5), 48, 48, null)))
                .isEqualTo(Problem.TRUNCATED_IMAGE);
        assertThat(problem(() -> decode(ImageEncoding.PNG, png, 64, 64, null))).isEqualTo(Problem.SIZE_MISMATCH);
        assertThat(problem(() -> decode(ImageEncoding.RAW, new byte[2303], 48, 48, null))).isEqualTo(Problem.SIZE_MISMATCH);
        assertThat(problem(() -> decode(ImageEncoding.RAW, new byte[16], 4, 4, null))).isEqualTo(Problem.SIZE_OUT_OF_BOUNDS);
        assertThat(problem(() -> decode(ImageEncoding.PNG, png, 48, 48, new FaceBox(0, 0, 4, 48))))
                .isEqualTo(Problem.SIZE_OUT_OF_BOUNDS);
        byte[] damaged = png.clone();
        for (int i = 60; i < damaged.length - 20; i++) {
            damaged[i] ^= 0x5A;
        }
        assertThat(problem(() -> decode(ImageEncoding.PNG, damaged, 48, 48, null)))
                .isIn(Problem.CORRUPT_IMAGE, Problem.TRUNCATED_IMAGE);
    }

    @Test
    @DisplayName("after a refused file the same decoder reads the next one")
    void keepsDecodingAfterARefusal() {
        FaceImage face = face(8);
        byte[] jpeg = encoded(face, ImageEncoding.JPEG);
        FaceImage first = decode(ImageEncoding.JPEG, jpeg, 48, 48, null);
        assertThat(problem(() -> decode(ImageEncoding.JPEG, Arrays.copyOf(jpeg, 300), 48, 48, null)))
                .isEqualTo(Problem.TRUNCATED_IMAGE);
        assertThat(decode(ImageEncoding.JPEG, jpeg, 48, 48, null)).isEqualTo(first);
    }

    private static Problem problem(Runnable decode) {
        try {
            decode.run();
        } catch (ImageRejectedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return e.problem();
        }
        throw new AssertionError("not refused");
    }

    /** The PNG with its IHDR's size replaced (and the chunk's CRC recomputed). */
    static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return out;
    }
}
