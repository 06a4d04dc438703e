package dev.emostream.app.rollout;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.emostream.schemas.ArtifactChunk;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutAction;
import dev.emostream.schemas.RolloutEvidence;
import dev.emostream.schemas.RolloutRecord;

/**
 * The records of the control topic and their keys. Artifacts travel in pieces of {@value #CHUNK_BYTES} bytes, keyed
 * {@code artifact/<version>/<index>}; rollout records are keyed uniquely ({@code rollout/<time>/<random>} from a
 * command, {@code decision/<rollout id>} from the rule), so compaction keeps every one of them: the topic is the
 * audit trail.
 *
 * <p>Why pieces rather than one 5 MB record: every broker, topic and client accepts 512 KiB records with their default
 * settings ({@code message.max.bytes}, {@code max.request.size}, {@code max.partition.fetch.bytes} are all about
 * 1 MB), while one record per artifact would need three limits raised on the cluster and in every client, for every
 * model that grows past them; a 5 MB fetch would also stall the partition for everything behind it. The price is
 * reassembly ({@link ArtifactChunks}), published in one transaction with its rollout record so a reader never sees
 * half an artifact.
 */
public final class ControlRecords {

    /** Half of the 1 MB defaults, leaving room for the record's other fields and the batch header. */
    public static final int CHUNK_BYTES = 512 * 1024;
    public static final String RULE = "rule";

    private ControlRecords() {
    }

    public static String chunkKey(String version, int index) {
        return "artifact/" + version + "/" + index;
    }

    public static String commandKey(Instant time) {
        return "rollout/" + time.toEpochMilli() + "/" + UUID.randomUUID();
    }

    /** One decision per rollout: a key of its own, so the audit trail keeps it. */
    public static String decisionKey(String rolloutId) {
        return "decision/" + rolloutId;
    }

    /** The artifact's bytes in pieces of at most {@link #CHUNK_BYTES}. */
    public static List<ModelControl> chunks(String version, String sha256, byte[] artifact) {
        int count = Math.max(1, (artifact.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        List<ModelControl> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] piece = Arrays.copyOfRange(artifact, i * CHUNK_BYTES, Math.min(artifact.length, (i + 1) * CHUNK_BYTES));
            out.add(new ModelControl(ArtifactChunk.newBuilder().setVersion(version).setSha256(sha256).setIndex(i)
                    .setCount(count).setSize(artifact.length).setData(ByteBuffer.wrap(piece)).build()));
        }
        return out;
    }

    public static ModelControl rollout(RolloutAction action, String version, String sha256, String rolloutId,
                                       String champion, Instant time, String reason, String decidedBy,
                                       RolloutEvidence evidence) {
        return new ModelControl(RolloutRecord.newBuilder().setAction(action).setVersion(version).setSha256(sha256)
                .setRollout(rolloutId).setChampion(champion).setTime(time).setReason(reason).setDecidedBy(decidedBy)
                .setEvidence(evidence).build());
    }

    /** Who runs a command, for the audit trail: {@code operator <user>@<host>}. */
    public static String operator() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return "operator " + System.getProperty("user.name", "unknown") + "@" + host;
    }
}
