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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streams-app models promote [VERSION]}: the operator's promotion. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {
                "Makes the challenger the champion now, without waiting for the rule (a PROMOTE record). With no "
                        + "rollout under way, makes a published VERSION the champion at once (a CHAMPION record).",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:promoted", "1:refused (unknown version, not the challenger) or failed"})
public final class PromoteCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "VERSION", arity = "0..1",
            description = "The version to promote: the challenger (may be left out), or any published version when no "
                    + "rollout is under way.")
    String version;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (ControlTopicClient client = new ControlTopicClient(kafka.load(), Quiet.LISTENER)) {
            ControlLog log = client.read();
            RolloutState state = log.state();
            String champion = state.champion() == null ? null : state.champion().version();
            Instant now = Instant.now();
            String why = reason != null ? reason : "promoted by hand";
            RolloutState.Rollout rollout = state.rollout();
            ControlTopicClient.Keyed record;
            if (rollout != null) {
                RolloutState.Version challenger = rollout.challenger();
                if (version != null && !version.equals(challenger.version())) {
                    throw new RolloutCommandException(unknownOr(log, version, version + " is not the challenger ("
                            + challenger.version() + " is, in " + rollout.id() + ")"));
                }
                record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                        RolloutAction.PROMOTE, challenger.version(), challenger.sha256(), rollout.id(), champion, now,
                        why, ControlRecords.operator(), null));
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
                record = new ControlTopicClient.Keyed(ControlRecords.commandKey(now), ControlRecords.rollout(
                        RolloutAction.CHAMPION, version, p.sha256(), null, champion, now, why,
                        ControlRecords.operator(), null));
            }
            RolloutState.Entry entry = client.publish(List.of(record));
            out.println("promoted " + entry.version() + " on " + client.topic() + " (offset " + entry.offset()
                    + "): every instance serves it now" + (champion == null ? "" : "; " + champion + " before it"));
            out.flush();
            return 0;
        }
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
