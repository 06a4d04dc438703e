package dev.emostream.app.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.emostream.app.config.AppConfig;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutAction;

/**
 * Puts an artifact on the control topic as champion or challenger: {@code models publish}, and the demo's
 * {@code --challenger}. The artifact is loaded and verified first, as the app loads it; then its pieces (unless the
 * same bytes are on the topic already) and the rollout record go out in one transaction, and the record is read back
 * and checked as every instance will check it.
 */
public final class ModelPublisher {

    /** What was published: the rollout record as applied, and whether the artifact's pieces were written too. */
    public record Result(String version, String sha256, RolloutState.Entry record, int pieces, RolloutState after,
                         String topic) {
    }

    private final AppConfig config;

    public ModelPublisher(AppConfig config) {
        this.config = config;
    }

    /**
     * @throws ModelArtifactException  when the file is not a usable artifact
     * @throws RolloutCommandException when the topic's state refuses it (checksum mismatch, no champion, a rollout
     *                                 under way, already champion)
     */
    public Result publish(Path file, boolean asChampion, String reason) throws ModelArtifactException, IOException {
        ModelArtifact artifact = ModelArtifact.load(file); // refuses a bad file with its reason, before Kafka
        String version = artifact.metadata().version();
        byte[] bytes = Files.readAllBytes(file);
        String sha = ModelArtifact.sha256(bytes);
        try (ControlTopicClient client = new ControlTopicClient(config, Quiet.LISTENER)) {
            ControlLog log = client.read();
            RolloutState state = log.state();
            Optional<ArtifactChunks.Published> published = log.artifacts().latest(version);
            if (published.isPresent() && !published.get().sha256().equals(sha)) {
                throw new RolloutCommandException("checksum mismatch: version " + version + " is on " + client.topic()
                        + " with checksum " + published.get().sha256() + "; " + file + " has " + sha
                        + ": publish it under a new version");
            }
            String champion = state.champion() == null ? null : state.champion().version();
            if (!asChampion) {
                if (state.champion() == null) {
                    throw new RolloutCommandException("no champion on " + client.topic() + " yet: publish the model "
                            + "in service first with --champion");
                }
                if (state.rollout() != null) {
                    throw new RolloutCommandException("a rollout of " + state.rollout().challenger().version() + " ("
                            + state.rollout().id() + ") is under way: promote it or roll it back first");
                }
                if (version.equals(champion)) {
                    throw new RolloutCommandException(version + " is the champion already");
                }
            }
            List<ControlTopicClient.Keyed> records = new ArrayList<>();
            if (published.isEmpty()) {
                List<ModelControl> chunks = ControlRecords.chunks(version, sha, bytes);
                for (int i = 0; i < chunks.size(); i++) {
                    records.add(new ControlTopicClient.Keyed(ControlRecords.chunkKey(version, i), chunks.get(i)));
                }
            }
            int pieces = records.size();
            Instant now = Instant.now();
            records.add(new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                    asChampion ? RolloutAction.CHAMPION : RolloutAction.CHALLENGER, version, sha, null, champion, now,
                    reason != null ? reason : "published from " + file.getFileName(), ControlRecords.operator(), null)));
            RolloutState.Entry entry = client.publish(records);
            return new Result(version, sha, entry, pieces, log.state(), client.topic());
        }
    }
}
