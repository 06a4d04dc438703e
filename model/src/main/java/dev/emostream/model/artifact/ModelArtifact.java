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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One model version in one file: a zip holding {@code model.json} ({@link ModelMetadata}) and
 * {@code network.zip} (the DL4J graph, without updater state), plus {@code network-1.zip}, ... for the other members
 * of an ensemble. Loading verifies each checksum, the classes and the input shape, so a bad file is refused before
 * it can serve.
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
    private final List<ComputationGraph> networks;

    private ModelArtifact(ModelMetadata metadata, List<ComputationGraph> networks) {
        this.metadata = metadata;
        this.networks = networks;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** The member networks (one unless the artifact is an ensemble), whose probabilities are averaged. */
    public List<ComputationGraph> networks() {
        return networks;
    }

    /**
     * A fresh copy of every member, for one more batch at a time (DL4J's {@code output} is synchronized per network);
     * the copies engage oneDNN helpers or not as the helper property says when this is called.
     */
    public List<ComputationGraph> copyNetworks() {
        return networks.stream().map(ComputationGraph::clone).toList();
    }

    /** The zip entry of member {@code i}: {@code network.zip} for the first, as in single-network artifacts. */
    static String memberEntry(int i) {
        return i == 0 ? NETWORK_ENTRY : "network-" + i + ".zip";
    }

    public static ModelMetadata write(Path file, ComputationGraph network, ModelMetadata metadata) throws IOException {
        return write(file, List.of(network), metadata);
    }

    /**
     * Writes the artifact through a temporary file and an atomic rename, so a watcher of the folder
     * never sees half a file. Returns the metadata as written, with the network checksums. Several networks need
     * {@link ModelMetadata#members()} describing them, one each, in the same order.
     */
    public static ModelMetadata write(Path file, List<ComputationGraph> networks, ModelMetadata metadata)
            throws IOException {
        if (networks.size() != metadata.memberCount()) {
            throw new IllegalArgumentException(networks.size() + " networks for " + metadata.memberCount()
                    + " members in the metadata of " + metadata.version());
        }
        List<byte[]> entries = new ArrayList<>();
        for (ComputationGraph network : networks) {
            ByteArrayOutputStream net = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, net, false);
            entries.add(net.toByteArray());
        }
        ModelMetadata sealed;
        if (metadata.members() == null) {
            sealed = metadata.withNetworkSha256(sha256(entries.get(0)));
        } else {
            List<ModelMetadata.Member> members = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                members.add(metadata.members().get(i).withNetworkSha256(sha256(entries.get(i))));
            }
            sealed = metadata.withMembers(members).withNetworkSha256(null);
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".writing-", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
            zip.write(JSON.writeValueAsBytes(sealed));
            zip.closeEntry();
            for (int i = 0; i < entries.size(); i++) {
                zip.putNextEntry(new ZipEntry(memberEntry(i)));
                zip.write(entries.get(i));
                zip.closeEntry();
            }
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
        Map<String, byte[]> networkEntries = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().equals(METADATA_ENTRY)) {
                    metadataBytes = zip.readAllBytes();
                } else if (withNetwork && entry.getName().startsWith("network") && entry.getName().endsWith(".zip")) {
                    networkEntries.put(entry.getName(), zip.readAllBytes());
                }
            }
        } catch (NoSuchFileException e) {
            throw new ModelArtifactException("model artifact " + file + " does not exist");
        } catch (ZipException | java.io.EOFException e) {
            throw new ModelArtifactException("model artifact " + file + " is corrupt or truncated: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // ZipInputStream throws this, not a ZipException, for an entry name that is not the UTF-8 its header
            // flags declare (found by ModelArtifactFuzzTest, docs/FUZZING.md)
            throw new ModelArtifactException("model artifact " + file + " is corrupt: unreadable zip entry name: "
                    + e.getMessage(), e);
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
        List<ComputationGraph> networks = new ArrayList<>();
        for (int i = 0; i < metadata.memberCount(); i++) {
            String name = memberEntry(i);
            byte[] networkBytes = networkEntries.get(name);
            if (networkBytes == null) {
                throw new ModelArtifactException("model artifact " + file + " has no " + name + " (truncated?)");
            }
            String expected = metadata.members() == null ? metadata.networkSha256()
                    : metadata.members().get(i).networkSha256();
            String actual = sha256(networkBytes);
            if (!actual.equals(expected)) {
                throw new ModelArtifactException("model artifact " + file + " is corrupt: " + name + " checksum "
                        + actual + " does not match " + expected + " recorded in " + METADATA_ENTRY);
            }
            ComputationGraph network;
            try {
                network = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(networkBytes), false);
            } catch (IOException | RuntimeException e) {
                throw new ModelArtifactException("model artifact " + file + ": cannot restore " + name + ": " + e, e);
            }
            verifyShape(file, metadata, network);
            networks.add(network);
        }
        return new ModelArtifact(metadata, List.copyOf(networks));
    }

    private static void verifyMetadata(Path file, ModelMetadata m) throws ModelArtifactException {
        if (m.formatVersion() != ModelMetadata.FORMAT_VERSION && m.formatVersion() != ModelMetadata.ENSEMBLE_FORMAT_VERSION) {
            throw new ModelArtifactException("model artifact " + file + " has format " + m.formatVersion()
                    + "; this build reads formats " + ModelMetadata.FORMAT_VERSION + " and "
                    + ModelMetadata.ENSEMBLE_FORMAT_VERSION);
        }
        if ((m.members() != null) != (m.formatVersion() == ModelMetadata.ENSEMBLE_FORMAT_VERSION)
                || (m.members() != null && m.members().isEmpty())) {
            throw new ModelArtifactException("model artifact " + file + ": format " + m.formatVersion() + " with "
                    + (m.members() == null ? "no" : m.members().size()) + " members; members belong to format "
                    + ModelMetadata.ENSEMBLE_FORMAT_VERSION + " only");
        }
        if (m.members() != null && m.members().contains(null)) {
            throw new ModelArtifactException("model artifact " + file + ": member " + m.members().indexOf(null)
                    + " of the ensemble is null in " + METADATA_ENTRY);
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
