package dev.emostream.app.rollout;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.emostream.app.replay.KafkaOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code streams-app models publish FILE}: puts an artifact on the control topic as challenger (or champion). */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {
                "Verifies a model artifact as the app would load it, then writes it to the control topic in pieces "
                        + "of 512 KiB together with a CHALLENGER record (default: every instance shadows it against "
                        + "the champion until the rule decides) or a CHAMPION record (--champion: every instance "
                        + "serves it at once), in one transaction. The record is read back and checked as the "
                        + "instances will check it.",
                "Refused: an artifact that does not load, a version already published with other bytes (checksum "
                        + "mismatch), a challenger with no champion on the topic or while a rollout is under way.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:published", "1:refused or failed (the reason on one line)", "2:the artifact is not usable"})
public final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The model artifact (*.model.zip).")
    Path file;

    @Option(names = "--champion", description = "Publish as the champion: it serves at once, with no shadowing "
            + "(the first model of a fleet, or an emergency).")
    boolean champion;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Override
    public Integer call() throws Exception {
        ModelPublisher.Result r = new ModelPublisher(kafka.load()).publish(file, champion, reason);
        PrintWriter out = spec.commandLine().getOut();
        out.println(champion
                ? "published " + r.version() + " (sha256 " + r.sha256() + ") to " + r.topic() + " as champion: every "
                + "instance serves it now"
                : "published " + r.version() + " (sha256 " + r.sha256() + ") to " + r.topic() + " as challenger of "
                + r.after().champion().version() + " (" + r.after().rollout().id() + "): every instance shadows it; "
                + "the rule decides (streams-app models status)");
        out.println("record at offset " + r.record().offset() + (r.pieces() > 0
                ? ", after the artifact in " + r.pieces() + " piece(s)" : "; the artifact was on the topic already"));
        out.flush();
        return 0;
    }
}
