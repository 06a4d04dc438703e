package dev.emostream.app.replay;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The frame ids of one replay, in the order sent. */
final class FrameOrder {

    private FrameOrder() {
    }

    /** Keeps the first occurrence of each id. */
    static List<String> distinct(List<String> ids) {
        return new ArrayList<>(new LinkedHashSet<>(ids));
    }
}
