package dev.emostream.app.rollout;

import java.time.Instant;

import dev.emostream.schemas.RolloutAction;
import picocli.CommandLine.Command;

/** {@code streams-app models rollback}: the operator's rollback. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
                "Drops the challenger now (a ROLLBACK record); the champion keeps serving. With no rollout under way, "
                        + "the champion gives way to the champion before it.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:rolled back", "1:refused (nothing to roll back) or failed"})
public final class RollbackCommand extends OperatorDecisionCommand {

    @Override
    String defaultReason() {
        return "rolled back by hand";
    }

    @Override
    Decision decide(ControlLog log, String topic, Instant now) throws RolloutCommandException {
        RolloutState state = log.state();
        RolloutState.Version champion = state.champion();
        RolloutState.Rollout rollout = state.rollout();
        if (rollout != null) {
            return new Decision(new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                    RolloutAction.ROLLBACK, rollout.challenger().version(), rollout.challenger().sha256(),
                    rollout.id(), champion.version(), now, why(), ControlRecords.operator(), null)),
                    "dropped challenger " + rollout.challenger().version() + " (" + rollout.id() + "); "
                            + champion.version() + " keeps serving");
        }
        if (champion != null && state.previousChampion() != null) {
            return new Decision(new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                    RolloutAction.ROLLBACK, champion.version(), champion.sha256(), null, champion.version(), now,
                    why(), ControlRecords.operator(), null)),
                    "rolled back " + champion.version() + ": " + state.previousChampion().version() + " serves again");
        }
        throw new RolloutCommandException("nothing to roll back on " + topic + ": no rollout under way and "
                + (champion == null ? "no champion" : "no champion before " + champion.version()));
    }
}
