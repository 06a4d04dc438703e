package dev.emostream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.emostream.model.face.FaceImage;

/**
 * Any frame a camera could send: the first byte picks the encoding (RAW, PNG, JPEG) and whether there is a box, the
 * next four bytes are the record's width and height (16 bits each), then the box (four 16-bit values) when there is
 * one, then the image's bytes. The decoder either returns the face (the box's size, one byte a pixel) or refuses it
 * with an {@link ImageRejectedException}; nothing else escapes, and with the fuzz profile's 1 GiB heap no input makes
 * it run out of memory. The committed corpus ({@code FaceDecoderFuzzTestInputs/decodesAnyFrame/}) has a valid face
 * of each encoding, color frames with boxes, and each kind of bad image.
 */
class FaceDecoderFuzzTest {

    private static final FaceDecoder DECODER = new FaceDecoder(ImageLimits.defaults(8, 1024));

    @FuzzTest(maxDuration = "2m")
    void decodesAnyFrame(byte[] input) {
        if (input.length < 5) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        int mode = in.get() & 0xFF;
        ImageEncoding encoding = ImageEncoding.values()[mode % 3];
        int width = in.getShort() & 0xFFFF;
        int height = in.getShort() & 0xFFFF;
        FaceBox box = null;
        if ((mode / 3) % 2 == 1) {
            if (in.remaining() < 8) {
                return;
            }
            box = new FaceBox(in.getShort(), in.getShort(), in.getShort(), in.getShort());
        }
        try {
            FaceImage face = DECODER.decode(encoding, in.slice(), width, height, box);
            assertThat(face.width()).isEqualTo(box != null ? box.width() : width);
            assertThat(face.height()).isEqualTo(box != null ? box.height() : height);
            assertThat(face.pixels()).hasSize(face.width() * face.height());
        } catch (ImageRejectedException refused) {
            assertThat(refused.problem()).isNotNull();
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
