package dev.emostream.model.image;

/** How a frame's bytes hold its image; the same symbols as the {@code FaceFrame} schema's {@code ImageEncoding}. */
public enum ImageEncoding {
    /** 8-bit grayscale pixels, row-major, width * height bytes. */
    RAW,
    /** A PNG file: gray, gray + alpha, RGB, RGBA or palette, 1 to 16 bits a sample. */
    PNG,
    /** A baseline or progressive JPEG file, grayscale or YCbCr (JFIF). */
    JPEG
}
