package dev.emostream.app.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.schemas.ArtifactChunk;
import dev.emostream.schemas.ModelControl;

@DisplayName("ArtifactChunks")
class ArtifactChunksTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static List<ArtifactChunk> pieces(String version, String sha, byte[] artifact) {
        List<ArtifactChunk> out = new ArrayList<>();
        for (ModelControl c : ControlRecords.chunks(version, sha, artifact)) {
            out.add((ArtifactChunk) c.getPayload());
        }
        return out;
    }

    @Test
    @DisplayName("pieces of at most 512 KiB, in any order, make the artifact again, byte for byte")
    void roundTrip() throws Exception {
        byte[] artifact = bytes(2 * ControlRecords.CHUNK_BYTES + 1234);
        String sha = ModelArtifact.sha256(artifact);
        List<ArtifactChunk> pieces = pieces("v1", sha, artifact);
        assertThat(pieces).hasSize(3).allSatisfy(p -> assertThat(p.getData().remaining())
                .isLessThanOrEqualTo(ControlRecords.CHUNK_BYTES));
        Collections.reverse(pieces);
        ArtifactChunks chunks = new ArtifactChunks(dir);
        for (ArtifactChunk p : pieces) {
            assertThat(chunks.add(p)).isEmpty();
        }
        ArtifactChunks.Published published = chunks.find("v1", sha).orElseThrow();
        assertThat(Files.readAllBytes(published.file())).isEqualTo(artifact);
        assertThat(chunks.problem("v1", sha)).isEmpty();
        assertThat(chunks.versions()).containsOnlyKeys("v1");
    }

    @Test
    @DisplayName("a failed write of the assembled artifact keeps its pieces: the last piece read again completes it")
    void failedWriteIsRetried() throws Exception {
        byte[] artifact = bytes(ControlRecords.CHUNK_BYTES + 10);
        String sha = ModelArtifact.sha256(artifact);
        List<ArtifactChunk> pieces = pieces("v1", sha, artifact);
        Path folder = dir.resolve("artifacts");
        Files.writeString(folder, "a file where the folder should be");
        ArtifactChunks chunks = new ArtifactChunks(folder);
        assertThat(chunks.add(pieces.get(0))).isEmpty();
        assertThatThrownBy(() -> chunks.add(pieces.get(1))).isInstanceOf(java.io.UncheckedIOException.class);
        Files.delete(folder);
        assertThat(chunks.add(pieces.get(1))).isEmpty();
        assertThat(Files.readAllBytes(chunks.find("v1", sha).orElseThrow().file())).isEqualTo(artifact);
    }

    @Test
    @DisplayName("an artifact whose pieces do not hash to the declared checksum is corrupt, with the reason")
    void checksumMismatch() {
        byte[] artifact = bytes(1000);
        String wrong = ModelArtifact.sha256(bytes(999));
        ArtifactChunks chunks = new ArtifactChunks(dir);
        assertThat(chunks.add(pieces("v1", wrong, artifact).get(0))).hasValueSatisfying(reason ->
                assertThat(reason).contains("v1").contains("checksum mismatch"));
        assertThat(chunks.find("v1", wrong)).isEmpty();
        assertThat(chunks.problem("v1", wrong)).hasValueSatisfying(r -> assertThat(r).contains("corrupt"));
    }

    @Test
    @DisplayName("a record naming a version with another checksum, an unknown version or an incomplete one gets a reason")
    void problems() {
        byte[] artifact = bytes(ControlRecords.CHUNK_BYTES + 10);
        String sha = ModelArtifact.sha256(artifact);
        ArtifactChunks chunks = new ArtifactChunks(dir);
        List<ArtifactChunk> pieces = pieces("v1", sha, artifact);
        chunks.add(pieces.get(0));
        assertThat(chunks.problem("v1", sha)).hasValueSatisfying(r -> assertThat(r).contains("incomplete: 1 of 2"));
        chunks.add(pieces.get(1));
        String other = ModelArtifact.sha256(bytes(5));
        assertThat(chunks.problem("v1", other)).hasValueSatisfying(r -> assertThat(r).startsWith("checksum mismatch")
                .contains(sha).contains(other));
        assertThat(chunks.problem("v9", sha)).hasValueSatisfying(r -> assertThat(r).startsWith("unknown version v9")
                .contains("published: v1"));
    }

    @Test
    @DisplayName("pieces that disagree on count or size, and malformed ones, are refused")
    void inconsistentPieces() {
        byte[] artifact = bytes(ControlRecords.CHUNK_BYTES + 10);
        String sha = ModelArtifact.sha256(artifact);
        ArtifactChunks chunks = new ArtifactChunks(dir);
        List<ArtifactChunk> pieces = pieces("v1", sha, artifact);
        chunks.add(pieces.get(0));
        ArtifactChunk liar = ArtifactChunk.newBuilder(pieces.get(1)).setCount(3).build();
        assertThat(chunks.add(liar)).hasValueSatisfying(r -> assertThat(r).contains("disagree"));
        assertThat(chunks.add(ArtifactChunk.newBuilder(pieces.get(1)).setSha256("not-hex").build())).isPresent();
        assertThat(chunks.add(ArtifactChunk.newBuilder(pieces.get(1)).setSha256(ModelArtifact.sha256(bytes(7)))
                .setIndex(5).setData(ByteBuffer.wrap(new byte[1])).build())).hasValueSatisfying(r ->
                assertThat(r).contains("out of range"));
    }
}
