package dev.emostream.model.csv;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the FER2013 CSVs are: the one lookup the tests, the demo and the tools share.
 * <p>
 * The full Kaggle splits are not in the repository (90 MB): they are read from {@code -Demostream.fer2013.dir},
 * else the {@code EMOSTREAM_FER2013_DIR} environment variable, else {@code ../shared/data/fer2013} beside the
 * checkout. A class-stratified sample of both splits ships in {@code data/fer2013-sample} (its README says how it
 * was drawn), so a bare clone can run the demo and the tests; checks that need the full splits skip without them.
 */
public final class Fer2013Files {

    public static final String DIR_PROPERTY = "emostream.fer2013.dir";
    public static final String DIR_ENV = "EMOSTREAM_FER2013_DIR";
    /** Where the full splits are looked for when neither the property nor the variable names a folder. */
    public static final String BESIDE_CHECKOUT = "../shared/data/fer2013";
    public static final String SAMPLE_FOLDER = "data/fer2013-sample";

    public static final String TRAIN = "train.csv.gz";
    public static final String PUBLIC_TEST = "public_test.csv.gz";
    public static final String TRAIN_SAMPLE = "train_sample.csv.gz";
    public static final String PUBLIC_TEST_SAMPLE = "public_test_sample.csv.gz";

    private final Path root;
    private final String configured;

    /** {@code configured}: the folder of the full splits, or null for the one beside the checkout. */
    public Fer2013Files(Path root, String configured) {
        this.root = root.toAbsolutePath().normalize();
        this.configured = configured == null || configured.isBlank() ? null : configured;
    }

    /** For a checkout whose root is known (the demo finds it from its own jar). */
    public static Fer2013Files in(Path repositoryRoot) {
        return new Fer2013Files(repositoryRoot, configuredFolder());
    }

    /** For code run inside a checkout (tests run in their module's folder): the root is the first folder up with the sample. */
    public static Fer2013Files find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(SAMPLE_FOLDER))) {
                return in(dir);
            }
        }
        return in(start);
    }

    private static String configuredFolder() {
        String property = System.getProperty(DIR_PROPERTY);
        return property != null && !property.isBlank() ? property : System.getenv(DIR_ENV);
    }

    /** The folder the full splits are read from, whether or not they are there. */
    public Path fullFolder() {
        return configured != null ? Path.of(configured).toAbsolutePath().normalize()
                : root.resolve(BESIDE_CHECKOUT).normalize();
    }

    /** A full split ({@link #TRAIN}, {@link #PUBLIC_TEST}) when it is there. */
    public Optional<Path> full(String file) {
        Path path = fullFolder().resolve(file);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    /** Why {@link #full} found nothing, and how to fix it, in one line (for a skipped test or the demo). */
    public String missing(String file) {
        return "no full FER2013 " + file + " in " + fullFolder() + " (put Kaggle's CSVs in " + BESIDE_CHECKOUT
                + " beside the checkout, or name their folder with -D" + DIR_PROPERTY + " or " + DIR_ENV + "; see "
                + SAMPLE_FOLDER + "/README.md)";
    }

    /** A file of the bundled sample ({@link #TRAIN_SAMPLE}, {@link #PUBLIC_TEST_SAMPLE}); it is part of every checkout. */
    public Path sample(String file) {
        Path path = sampleFolder().resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("the bundled FER2013 sample " + path + " is missing: " + root
                    + " is not a complete checkout");
        }
        return path;
    }

    public Path sampleFolder() {
        return root.resolve(SAMPLE_FOLDER);
    }
}
