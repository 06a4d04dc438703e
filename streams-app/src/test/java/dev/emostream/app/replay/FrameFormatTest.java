package dev.emostream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.image.FaceDecoder;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.model.image.ImageLimits;

class FrameFormatTest {

    private static FaceImage face() {
        byte[] px = new byte[48 * 48];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (30 + (i % 48) * 3 + (i / 48) * 2 + (i * 7919) % 23);
        }
        return new FaceImage(48, 48, px);
    }

    private static FaceImage decode(FrameFormat.CameraImage image) {
        try (FaceDecoder decoder = new FaceDecoder(ImageLimits.defaults(8, 1024))) {
            return decoder.decode(image.encoding(), ByteBuffer.wrap(image.bytes()), image.width(), image.height(),
                    image.box());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ImageEncoding.class)
    @DisplayName("a face in a 640x480 frame decodes, through its box, to exactly what the face sent alone decodes to; "
            + "the box moves from frame to frame and stays on the 8-pixel grid inside the frame")
    void framedFaceDecodesLikeTheFaceAlone(ImageEncoding encoding) {
        FaceImage face = face();
        FaceImage alone = decode(new FrameFormat(encoding, false, 0.9f).encode(face, 0));
        FrameFormat framed = new FrameFormat(encoding, true, 0.9f);
        Set<String> places = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            FrameFormat.CameraImage image = framed.encode(face, i);
            assertThat(image.width()).isEqualTo(640);
            assertThat(image.height()).isEqualTo(480);
            assertThat(image.box().width()).isEqualTo(48);
            assertThat(image.box().x() % 8 + image.box().y() % 8).isZero();
            assertThat(image.box().fitsIn(640, 480)).isTrue();
            places.add(image.box().x() + "," + image.box().y());
            assertThat(decode(image)).as("frame %d", i).isEqualTo(alone);
        }
        assertThat(places).hasSize(12);
        if (encoding != ImageEncoding.JPEG) {
            assertThat(alone).isEqualTo(face);
        }
    }
}
