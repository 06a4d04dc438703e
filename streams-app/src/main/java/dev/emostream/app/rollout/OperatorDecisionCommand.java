package dev.emostream.app.rollout;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

import dev.emostream.app.replay.KafkaOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code models promote} and {@code models rollback} share: read the control topic, decide one rollout record
 * from its state (or refuse with a {@link RolloutCommandException}), publish it and say what it did.
 */
abstract class OperatorDecisionCommand implements Callable<Integer> {

    /** The record to publish and the line that says what it does once published. */
    record Decision(ControlTopicClient.Keyed record, String result) {
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    /** The decision on the topic's current {@code log}, at {@code now}, for {@code why} (the reason or a default). */
    abstract Decision decide(ControlLog log, String topic, Instant now) throws RolloutCommandException;

    /** The reason recorded when the operator gives none. */
    abstract String defaultReason();

    String why() {
        return reason != null ? reason : defaultReason();
    }

    @Override
    public final Integer call() throws Exception {
        try (ControlTopicClient client = new ControlTopicClient(kafka.load(), Quiet.LISTENER)) {
            Decision decision = decide(client.read(), client.topic(), Instant.now());
            RolloutState.Entry entry = client.publish(List.of(decision.record()));
            PrintWriter out = spec.commandLine().getOut();
            out.println(decision.result() + " (" + client.topic() + ", offset " + entry.offset() + ")");
            out.flush();
            return 0;
        }
    }
}
