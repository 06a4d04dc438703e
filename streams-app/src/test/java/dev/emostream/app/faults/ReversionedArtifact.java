package dev.emostream.app.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.emostream.model.artifact.ModelArtifact;

/**
 * A copy of a model artifact under another version: the same network, so the same cost and predictions, but
 * events and accuracy snapshots name the new version, which is how the soak sees the swap. Only {@code model.json}
 * is rewritten; the network entry is copied byte for byte, so its checksum in the metadata still holds and the
 * network is never loaded here.
 */
final class ReversionedArtifact {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReversionedArtifact() {
    }

    static Path write(Path artifact, Path target, String version) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        try (InputStream in = Files.newInputStream(artifact); ZipInputStream zipIn = new ZipInputStream(in);
             OutputStream out = Files.newOutputStream(target); ZipOutputStream zipOut = new ZipOutputStream(out)) {
            ZipEntry entry;
            while ((entry = zipIn.getNextEntry()) != null) {
                byte[] bytes = zipIn.readAllBytes();
                if (entry.getName().equals(ModelArtifact.METADATA_ENTRY)) {
                    ObjectNode metadata = (ObjectNode) JSON.readTree(bytes);
                    metadata.put("version", version);
                    bytes = JSON.writeValueAsBytes(metadata);
                }
                zipOut.putNextEntry(new ZipEntry(entry.getName()));
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        }
        return target;
    }
}
