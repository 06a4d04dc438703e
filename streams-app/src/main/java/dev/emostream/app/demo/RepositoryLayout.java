package dev.emostream.app.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the demo finds what a checkout holds: the repository root (found from this class's jar or classes folder,
 * else from the working directory), the FER2013 CSVs beside it in {@code ../shared/data/fer2013}, and the schema
 * registry the {@code schema-registry} module builds.
 */
public final class RepositoryLayout {

    /** System property naming the FER2013 folder (the parent pom sets it for tests). */
    public static final String FER2013_DIR_PROPERTY = "emostream.fer2013.dir";
    public static final String DEFAULT_CSV = "public_test.csv.gz";
    static final String REGISTRY_APP = "schema-registry/target/quarkus-app/quarkus-run.jar";

    private final Path root;

    RepositoryLayout(Path root) {
        this.root = root;
    }

    public static RepositoryLayout find() {
        return new RepositoryLayout(codeLocation().flatMap(RepositoryLayout::rootAbove)
                .or(() -> rootAbove(Path.of("").toAbsolutePath()))
                .orElse(Path.of("").toAbsolutePath()));
    }

    public Path root() {
        return root;
    }

    /** {@code -Demostream.fer2013.dir}, else {@code <root>/../shared/data/fer2013}. */
    public Path fer2013Folder() {
        String configured = System.getProperty(FER2013_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return root.resolve("../shared/data/fer2013").normalize();
    }

    public Path defaultCsv() {
        return fer2013Folder().resolve(DEFAULT_CSV);
    }

    /** {@code -Demostream.registry.app}, else the schema-registry module's build output. */
    public Path registryApp() {
        String configured = System.getProperty("emostream.registry.app");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return root.resolve(REGISTRY_APP);
    }

    static Optional<Path> rootAbove(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("streams-app"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> codeLocation() {
        try {
            var source = RepositoryLayout.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
