package dev.emostream.app.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.emostream.model.csv.Fer2013Files;

/**
 * Where the demo finds what a checkout holds: the repository root (found from this class's jar or classes folder,
 * else from the working directory), the FER2013 CSVs ({@link Fer2013Files}: the full splits beside it or where
 * configured, the sample inside it), where the demo's output goes, and the schema registry the {@code schema-registry}
 * module builds.
 */
public final class RepositoryLayout {

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

    public Fer2013Files fer2013() {
        return Fer2013Files.in(root);
    }

    /** Under {@code target/}, which git ignores, so a demo run leaves the checkout as it was. */
    public Path defaultSubmission() {
        return root.resolve("target/demo/submission.csv");
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
