package dev.emostream.app.rollout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.emostream.schemas.ArtifactChunk;

/**
 * Puts artifacts back together from their pieces on the control topic. A piece is kept in memory until its artifact
 * is complete; then the pieces, joined in index order, must have the declared size and SHA-256, and the artifact is
 * written to {@code folder} as {@code <sha256>.model.zip} and the pieces dropped. An artifact whose pieces disagree
 * (count, size) or whose checksum does not match is remembered as corrupt with the reason, and a rollout record naming
 * it is refused with that reason.
 */
public final class ArtifactChunks {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A complete artifact, its checksum verified, on disk. */
    public record Published(String version, String sha256, long size, Path file) {
    }

    private record Key(String version, String sha256) {
    }

    private static final class Partial {
        final int count;
        final long size;
        final Map<Integer, byte[]> pieces = new TreeMap<>();

        Partial(int count, long size) {
            this.count = count;
            this.size = size;
        }
    }

    private final Path folder;
    private final Map<Key, Partial> partial = new HashMap<>();
    private final Map<Key, Published> complete = new LinkedHashMap<>();
    private final Map<Key, String> corrupt = new HashMap<>();

    public ArtifactChunks(Path folder) {
        this.folder = folder;
    }

    /**
     * Takes one piece.
     *
     * @return why the piece or its artifact is refused, when it is; empty when it was taken
     */
    public Optional<String> add(ArtifactChunk chunk) {
        String version = chunk.getVersion();
        String sha = chunk.getSha256();
        if (version.isBlank() || !SHA256.matcher(sha).matches()) {
            return Optional.of("artifact piece with version '" + version + "' and checksum '" + sha
                    + "': a version and a lower-case hex SHA-256 are required");
        }
        Key key = new Key(version, sha);
        if (complete.containsKey(key) || corrupt.containsKey(key)) {
            return Optional.empty(); // the same artifact published again: same checksum, same bytes
        }
        if (chunk.getCount() < 1 || chunk.getIndex() < 0 || chunk.getIndex() >= chunk.getCount() || chunk.getSize() < 0) {
            return Optional.of(corrupt(key, "piece " + chunk.getIndex() + " of " + chunk.getCount() + " with size "
                    + chunk.getSize() + " is out of range"));
        }
        Partial p = partial.computeIfAbsent(key, k -> new Partial(chunk.getCount(), chunk.getSize()));
        if (p.count != chunk.getCount() || p.size != chunk.getSize()) {
            partial.remove(key);
            return Optional.of(corrupt(key, "its pieces disagree: " + p.count + " pieces of " + p.size + " bytes, then "
                    + chunk.getCount() + " of " + chunk.getSize()));
        }
        ByteBuffer data = chunk.getData();
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        p.pieces.put(chunk.getIndex(), bytes);
        if (p.pieces.size() == p.count) {
            // kept until written: a failed write (a full disk) throws, and the reader reads this last piece again
            Optional<String> refused = assemble(key, p);
            partial.remove(key);
            return refused;
        }
        return Optional.empty();
    }

    private Optional<String> assemble(Key key, Partial p) {
        MessageDigest digest = sha256();
        long size = 0;
        for (byte[] piece : p.pieces.values()) {
            digest.update(piece);
            size += piece.length;
        }
        if (size != p.size) {
            return Optional.of(corrupt(key, "its pieces hold " + size + " bytes, " + p.size + " declared"));
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(key.sha256())) {
            return Optional.of(corrupt(key, "checksum mismatch: its pieces hash to " + actual + ", published as "
                    + key.sha256()));
        }
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve(key.sha256() + ".model.zip");
            Path tmp = Files.createTempFile(folder, ".assembling-", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                for (byte[] piece : p.pieces.values()) {
                    out.write(piece);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            complete.put(key, new Published(key.version(), key.sha256(), size, file));
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + key.version() + " to " + folder, e);
        }
    }

    private String corrupt(Key key, String why) {
        String reason = "artifact " + key.version() + " (" + shortSha(key.sha256()) + ") is corrupt: " + why;
        corrupt.put(key, reason);
        return reason;
    }

    /** The complete artifact of {@code version} with checksum {@code sha256}, or why there is none. */
    public Optional<Published> find(String version, String sha256) {
        return Optional.ofNullable(complete.get(new Key(version, sha256)));
    }

    /** Why the artifact {@code version} with {@code sha256} cannot be used, when it cannot. */
    public Optional<String> problem(String version, String sha256) {
        Key key = new Key(version, sha256);
        if (complete.containsKey(key)) {
            return Optional.empty();
        }
        if (corrupt.containsKey(key)) {
            return Optional.of(corrupt.get(key));
        }
        Optional<Published> other = latest(version);
        if (other.isPresent()) {
            return Optional.of("checksum mismatch: the record names " + version + " with checksum " + sha256
                    + ", the artifact of " + version + " on the control topic has " + other.get().sha256());
        }
        if (partial.containsKey(key)) {
            Partial p = partial.get(key);
            return Optional.of("artifact " + version + " is incomplete: " + p.pieces.size() + " of " + p.count
                    + " pieces on the control topic");
        }
        return Optional.of("unknown version " + version + ": no artifact of it on the control topic"
                + (complete.isEmpty() ? "" : " (published: " + String.join(", ", versions().keySet()) + ")"));
    }

    /** The last complete artifact published under {@code version}. */
    public Optional<Published> latest(String version) {
        Published found = null;
        for (Published p : complete.values()) {
            if (p.version().equals(version)) {
                found = p;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every complete artifact by version (the last one of a version), in the order they were completed. */
    public Map<String, Published> versions() {
        Map<String, Published> out = new LinkedHashMap<>();
        for (Published p : complete.values()) {
            out.remove(p.version());
            out.put(p.version(), p);
        }
        return out;
    }

    static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
