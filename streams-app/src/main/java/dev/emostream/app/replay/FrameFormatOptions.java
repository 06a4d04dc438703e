package dev.emostream.app.replay;

import java.util.Locale;

import dev.emostream.model.image.ImageEncoding;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --encoding}, {@code --face-box}, {@code --jpeg-quality}: how {@code replay} and {@code demo} send faces. */
public final class FrameFormatOptions {

    @Option(names = "--encoding", paramLabel = "raw|png|jpeg", defaultValue = "raw", converter = EncodingConverter.class,
            description = "How each face is sent: raw 8-bit gray pixels, or a PNG or JPEG file (default: ${DEFAULT-VALUE}).")
    ImageEncoding encoding = ImageEncoding.RAW;

    @Option(names = "--face-box",
            description = "Send each face inside a 640x480 frame (color for PNG and JPEG), at a position that varies "
                    + "from frame to frame, with a face box that is exactly the face's 48x48 area.")
    boolean faceBox;

    /** 95: at 90 the shipped model loses 0.6 points on the public test's 48x48 faces, at 95 0.06 (BENCHMARKS.md). */
    @Option(names = "--jpeg-quality", paramLabel = "1..100", defaultValue = "95",
            description = "JPEG quality (the JDK's libjpeg writer, 4:2:0 chroma for color) (default: ${DEFAULT-VALUE}).")
    int jpegQuality = 95;

    public FrameFormat format() {
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("--jpeg-quality must be 1..100, got " + jpegQuality);
        }
        return new FrameFormat(encoding, faceBox, jpegQuality / 100f);
    }

    static final class EncodingConverter implements ITypeConverter<ImageEncoding> {
        @Override
        public ImageEncoding convert(String value) {
            try {
                return ImageEncoding.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of raw, png, jpeg");
            }
        }
    }
}
