package dev.emostream.trainer.train;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real FER2013 files are: {@code -Demostream.fer2013.dir}, set by the parent pom. */
public final class TestData {
    private TestData() {
    }

    public static Path fer2013(String file) {
        Path path = Path.of(System.getProperty("emostream.fer2013.dir", "../../shared/data/fer2013")).resolve(file);
        if (!Files.exists(path)) {
            throw new IllegalStateException("FER2013 file " + path.toAbsolutePath() + " is missing");
        }
        return path;
    }
}
