package dev.emostream.app.rollout;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import dev.emostream.app.replay.KafkaOptions;
import dev.emostream.schemas.RolloutAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams-app models rollback}: the operator's rollback. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {
                "Drops the challenger now (a ROLLBACK record); the champion keeps serving. With no rollout under way, "
                        + "the champion gives way to the champion before it.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:rolled back", "1:refused (nothing to roll back) or failed"})
public final class RollbackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ControlTopicClient client = new ControlTopicClient(kafka.load(), Quiet.LISTENER)) {
            RolloutState state = client.read().state();
            RolloutState.Version champion = state.champion();
            RolloutState.Rollout rollout = state.rollout();
            Instant now = Instant.now();
            String why = reason != null ? reason : "rolled back by hand";
            ControlTopicClient.Keyed record;
            String result;
            if (rollout != null) {
                record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                        RolloutAction.ROLLBACK, rollout.challenger().version(), rollout.challenger().sha256(),
                        rollout.id(), champion.version(), now, why, ControlRecords.operator(), null));
                result = "dropped challenger " + rollout.challenger().version() + " (" + rollout.id() + "); "
                        + champion.version() + " keeps serving";
            } else if (champion != null && state.previousChampion() != null) {
                record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                        RolloutAction.ROLLBACK, champion.version(), champion.sha256(), null, champion.version(), now,
                        why, ControlRecords.operator(), null));
                result = "rolled back " + champion.version() + ": " + state.previousChampion().version()
                        + " serves again";
            } else {
                throw new RolloutCommandException("nothing to roll back on " + client.topic() + ": no rollout under "
                        + "way and " + (champion == null ? "no champion" : "no champion before " + champion.version()));
            }
            RolloutState.Entry entry = client.publish(List.of(record));
            out.println(result + " (offset " + entry.offset() + ")");
            out.flush();
            return 0;
        }
    }
}
