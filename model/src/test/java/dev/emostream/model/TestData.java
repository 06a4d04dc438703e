package dev.emostream.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real FER2013 files are: {@code -Demostream.fer2013.dir}, set by the parent pom. */
public final class TestData {
    private TestData() {
    }

    public static Path fer2013(String file) {
        Path dir = Path.of(System.getProperty("emostream.fer2013.dir", "../../shared/data/fer2013"));
        Path path = dir.resolve(file);
        if (!Files.exists(path)) {
            throw new IllegalStateException("FER2013 file " + path.toAbsolutePath() + " is missing: tests read the "
                    + "data from ../shared/data/fer2013 beside the checkout");
        }
        return path;
    }
}
