package dev.emostream.model.image;

/**
 * Where the face is in a larger image, in pixels from the top-left corner. The decoder crops exactly this
 * rectangle, adding no margin: how much forehead and chin a box holds depends on the camera's face detector, so
 * the camera service, which knows its detector, sends the box that frames the face as FER2013's crops do.
 */
public record FaceBox(int x, int y, int width, int height) {

    /** Whether the box has pixels and lies wholly inside a {@code imageWidth} x {@code imageHeight} image. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return x >= 0 && y >= 0 && width > 0 && height > 0
                && (long) x + width <= imageWidth && (long) y + height <= imageHeight;
    }

    @Override
    public String toString() {
        return "face box " + width + "x" + height + " at (" + x + "," + y + ")";
    }
}
