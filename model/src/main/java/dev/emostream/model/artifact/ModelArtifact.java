package dev.emostream.model.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.emostream.model.Emotion;
import dev.emostream.model.engine.OneDnnHelpers;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One model version in one file: a zip holding {@code model.json} ({@link ModelMetadata}) and
 * {@code network.zip} (the DL4J graph, without updater state). Loading verifies the checksum, the
 * classes and the input shape, so a bad file is refused before it can serve.
 */
public final class ModelArtifact {

    public static final String METADATA_ENTRY = "model.json";
    public static final String NETWORK_ENTRY = "network.zip";
    public static final String FILE_SUFFIX = ".model.zip";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        // before any network is restored: DL4J decides on a layer's oneDNN helper when it instantiates the layer
        OneDnnHelpers.enableByDefault();
    }

    private final ModelMetadata metadata;
    private final ComputationGraph network;

    private ModelArtifact(ModelMetadata metadata, ComputationGraph network) {
        this.metadata = metadata;
        this.network = network;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public ComputationGraph network() {
        return network;
    }

    /**
     * Writes the artifact through a temporary file and an atomic rename, so a watcher of the folder
     * never sees half a file. Returns the metadata as written, with the network checksum.
     */
    public static ModelMetadata write(Path file, ComputationGraph network, ModelMetadata metadata) throws IOException {
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        ModelSerializer.writeModel(network, net, false);
        byte[] networkBytes = net.toByteArray();
        ModelMetadata sealed = metadata.withNetworkSha256(sha256(networkBytes));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".writing-", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(JSON.writeValueAsBytes(sealed));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(NETWORK_ENTRY));
            zip.write(networkBytes);
            zip.closeEntry();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return sealed;
    }

    /** Reads only {@code model.json}, without loading the network. */
    public static ModelMetadata readMetadata(Path file) throws ModelArtifactException {
        return read(file, false).metadata;
    }

    public static ModelArtifact load(Path file) throws ModelArtifactException {
        return read(file, true);
    }

    private static ModelArtifact read(Path file, boolean withNetwork) throws ModelArtifactException {
        byte[] metadataBytes = null;
        byte[] networkBytes = null;
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().equals(METADATA_ENTRY)) {
                    metadataBytes = zip.readAllBytes();
                } else if (entry.getName().equals(NETWORK_ENTRY) && withNetwork) {
                    networkBytes = zip.readAllBytes();
                }
            }
        } catch (NoSuchFileException e) {
            throw new ModelArtifactException("model artifact " + file + " does not exist");
        } catch (ZipException | java.io.EOFException e) {
            throw new ModelArtifactException("model artifact " + file + " is corrupt or truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelArtifactException("cannot read model artifact " + file + ": " + e.getMessage(), e);
        }
        if (metadataBytes == null) {
            throw new ModelArtifactException("model artifact " + file + " has no " + METADATA_ENTRY
                    + " (not a model artifact, or truncated)");
        }
        ModelMetadata metadata;
        try {
            metadata = JSON.readValue(metadataBytes, ModelMetadata.class);
        } catch (IOException e) {
            throw new ModelArtifactException("model artifact " + file + ": unreadable " + METADATA_ENTRY + ": "
                    + e.getMessage(), e);
        }
        verifyMetadata(file, metadata);
        if (!withNetwork) {
            return new ModelArtifact(metadata, null);
        }
        if (networkBytes == null) {
            throw new ModelArtifactException("model artifact " + file + " has no " + NETWORK_ENTRY + " (truncated?)");
        }
        String actual = sha256(networkBytes);
        if (!actual.equals(metadata.networkSha256())) {
            throw new ModelArtifactException("model artifact " + file + " is corrupt: network checksum " + actual
                    + " does not match " + metadata.networkSha256() + " recorded in " + METADATA_ENTRY);
        }
        ComputationGraph network;
        try {
            network = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(networkBytes), false);
        } catch (IOException | RuntimeException e) {
            throw new ModelArtifactException("model artifact " + file + ": cannot restore the network: " + e, e);
        }
        verifyShape(file, metadata, network);
        return new ModelArtifact(metadata, network);
    }

    private static void verifyMetadata(Path file, ModelMetadata m) throws ModelArtifactException {
        if (m.formatVersion() != ModelMetadata.FORMAT_VERSION) {
            throw new ModelArtifactException("model artifact " + file + " has format " + m.formatVersion()
                    + "; this build reads format " + ModelMetadata.FORMAT_VERSION);
        }
        if (m.version() == null || m.version().isBlank()) {
            throw new ModelArtifactException("model artifact " + file + " has no version in " + METADATA_ENTRY);
        }
        if (m.preprocessing() == null) {
            throw new ModelArtifactException("model artifact " + file + " has no preprocessing recipe");
        }
        if (!Emotion.names().equals(m.classes())) {
            throw new ModelArtifactException("model artifact " + file + " has classes " + m.classes()
                    + "; expected the FER2013 classes in Kaggle order " + Emotion.names());
        }
    }

    private static void verifyShape(Path file, ModelMetadata m, ComputationGraph network) throws ModelArtifactException {
        int crop = m.preprocessing().cropSize();
        long[] shape;
        try (INDArray probe = Nd4j.zeros(DataType.FLOAT, 1, 1, crop, crop)) {
            shape = network.outputSingle(false, probe).shape();
        } catch (RuntimeException e) {
            throw new ModelArtifactException("model artifact " + file + " is incompatible: the network does not accept "
                    + "the recipe's 1x" + crop + "x" + crop + " input: " + e.getMessage(), e);
        }
        if (shape.length != 2 || shape[1] != Emotion.COUNT) {
            throw new ModelArtifactException("model artifact " + file + " is incompatible: output shape "
                    + Arrays.toString(shape) + ", expected [n, " + Emotion.COUNT + "]");
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
