package dev.emostream.app.rollout;

import java.time.Instant;

import dev.emostream.schemas.RolloutAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code streams-app models promote [VERSION]}: the operator's promotion. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {
                "Makes the challenger the champion now, without waiting for the rule (a PROMOTE record). With no "
                        + "rollout under way, makes a published VERSION the champion at once (a CHAMPION record).",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:promoted", "1:refused (unknown version, not the challenger) or failed"})
public final class PromoteCommand extends OperatorDecisionCommand {

    @Parameters(paramLabel = "VERSION", arity = "0..1",
            description = "The version to promote: the challenger (may be left out), or any published version when no "
                    + "rollout is under way.")
    String version;

    @Override
    String defaultReason() {
        return "promoted by hand";
    }

    @Override
    Decision decide(ControlLog log, String topic, Instant now) throws RolloutCommandException {
        RolloutState state = log.state();
        String champion = state.champion() == null ? null : state.champion().version();
        RolloutState.Rollout rollout = state.rollout();
        ControlTopicClient.Keyed record;
        String promoted;
        if (rollout != null) {
            RolloutState.Version challenger = rollout.challenger();
            if (version != null && !version.equals(challenger.version())) {
                throw new RolloutCommandException(unknownOr(log, version, version + " is not the challenger ("
                        + challenger.version() + " is, in " + rollout.id() + ")"));
            }
            promoted = challenger.version();
            record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                    RolloutAction.PROMOTE, challenger.version(), challenger.sha256(), rollout.id(), champion, now,
                    why(), ControlRecords.operator(), null));
        } else {
            if (version == null) {
                throw new RolloutCommandException("no rollout under way: name a published version to make it the "
                        + "champion (published: " + String.join(", ", log.artifacts().versions().keySet()) + ")");
            }
            ArtifactChunks.Published p = log.artifacts().latest(version)
                    .orElseThrow(() -> new RolloutCommandException(unknownOr(log, version, null)));
            if (version.equals(champion)) {
                throw new RolloutCommandException(version + " is the champion already");
            }
            promoted = version;
            record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                    RolloutAction.CHAMPION, version, p.sha256(), null, champion, now, why(),
                    ControlRecords.operator(), null));
        }
        return new Decision(record, "promoted " + promoted + ": every instance serves it now"
                + (champion == null ? "" : "; " + champion + " before it"));
    }

    /** "unknown version V: published are ..." when the topic has no such artifact, else {@code otherwise}. */
    static String unknownOr(ControlLog log, String version, String otherwise) {
        if (log.artifacts().latest(version).isEmpty()) {
            return "unknown version " + version + ": not on the control topic (published: "
                    + String.join(", ", log.artifacts().versions().keySet()) + ")";
        }
        return otherwise;
    }
}
