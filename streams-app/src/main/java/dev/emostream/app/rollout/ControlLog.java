package dev.emostream.app.rollout;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.schemas.ArtifactChunk;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutRecord;

/**
 * The control topic folded in offset order: its artifact pieces ({@link ArtifactChunks}) and its rollout records
 * ({@link RolloutState}). The app's follower and the {@code models} commands fold it the same way, so what
 * {@code models status} shows is what every instance serves. An artifact is verified once (its checksum, then loaded
 * as the app loads it), the first time a record would put it in service; the verdict is kept by checksum. Only a
 * verdict on the artifact's bytes is kept: a failure of this machine (the disk, off-heap memory) would make this
 * instance refuse what the others take, so it throws instead and the record is applied again later.
 */
public final class ControlLog {

    /** Loads an artifact as it would serve, returning the version its {@code model.json} declares. */
    @FunctionalInterface
    public interface Verifier {
        String verify(ArtifactChunks.Published artifact) throws ModelArtifactException;
    }

    private final ArtifactChunks chunks;
    private final RolloutState state = new RolloutState();
    private final Verifier verifier;
    /** By version and checksum: empty when the artifact loaded, else why it did not. */
    private final Map<String, Optional<String>> verdicts = new HashMap<>();

    public ControlLog(Path artifactFolder, Verifier verifier) {
        this.chunks = new ArtifactChunks(artifactFolder);
        this.verifier = verifier;
    }

    /**
     * Applies one record of the topic.
     *
     * @return why it was refused, or empty when it was taken
     */
    public Optional<String> apply(ModelControl record, long offset) {
        Object payload = record.getPayload();
        if (payload instanceof ArtifactChunk chunk) {
            return chunks.add(chunk);
        }
        if (payload instanceof RolloutRecord rollout) {
            return state.apply(rollout, offset, this::problem);
        }
        String reason = "control record of unknown kind " + (payload == null ? "null" : payload.getClass().getName());
        state.unreadable(offset, null, reason);
        return Optional.of(reason);
    }

    /** A record whose bytes could not be read as a ModelControl (refused, kept in the history). */
    public void unreadable(long offset, java.time.Instant time, String reason) {
        state.unreadable(offset, time, reason);
    }

    public RolloutState state() {
        return state;
    }

    public ArtifactChunks artifacts() {
        return chunks;
    }

    /** The artifact of a version in service. */
    public ArtifactChunks.Published artifact(RolloutState.Version v) {
        return chunks.find(v.version(), v.sha256())
                .orElseThrow(() -> new IllegalStateException("no artifact for " + v + " in service"));
    }

    /** An I/O failure that says nothing of the bytes (a corrupt zip or model.json reads as a ZipException, EOFException or JSON error). */
    private static boolean isLocal(Throwable cause) {
        return cause instanceof IOException && !(cause instanceof ZipException) && !(cause instanceof EOFException)
                && !(cause instanceof JsonProcessingException);
    }

    private Optional<String> problem(String version, String sha256) {
        Optional<String> missing = chunks.problem(version, sha256);
        if (missing.isPresent()) {
            return missing;
        }
        return verdicts.computeIfAbsent(version + "@" + sha256, key -> {
            ArtifactChunks.Published artifact = chunks.find(version, sha256).orElseThrow();
            try {
                String declared = verifier.verify(artifact);
                return declared.equals(version) ? Optional.empty() : Optional.of("artifact published as " + version
                        + " declares version " + declared + " in its model.json");
            } catch (ModelArtifactException e) {
                if (isLocal(e.getCause())) {
                    throw notNow(version, sha256, e.getMessage(), e);
                }
                return Optional.of("artifact " + version + " (" + ArtifactChunks.shortSha(sha256) + ") refused: "
                        + e.getMessage());
            } catch (OutOfMemoryError e) {
                throw notNow(version, sha256, e.toString(), e);
            }
        });
    }

    /** Not a verdict: the record applies again later. */
    private static IllegalStateException notNow(String version, String sha256, String detail, Throwable cause) {
        return new IllegalStateException("cannot verify artifact " + version + " (" + ArtifactChunks.shortSha(sha256)
                + ") on this machine now: " + detail, cause);
    }
}
