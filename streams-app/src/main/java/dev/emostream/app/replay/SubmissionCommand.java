package dev.emostream.app.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import dev.emostream.app.config.AppConfig;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams-app submission}: the Kaggle submission file of a replay, from the app's emotion events. */
@Command(name = "submission", mixinStandardHelpOptions = true,
        description = {
                "Writes the Kaggle submission (id,emotion) of one replay from the app's emotions topic "
                        + "(read_committed): one row per replayed frame, in the order the replay sent them, and "
                        + "prints the accuracy the stream measured when the frames carried labels.",
                "The replay is found in its topic by source id (default: the newest replay in --topic).",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:failed (frames without an event after --timeout, Kafka)"})
public final class SubmissionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The submission CSV to write.")
    Path out;

    @Option(names = "--expect", paramLabel = "N", defaultValue = "0",
            description = "Wait for N frames of the replay (default: the frames its topic holds now).")
    long expect;

    @Option(names = "--source", paramLabel = "ID", description = "The replay's source id (default: the newest).")
    String source;

    @Option(names = "--topic", defaultValue = ReplayCommand.DEFAULT_TOPIC,
            description = "The replay's topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Give up when no new event arrived for this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AppConfig config = kafka.load();
        Properties consumer = KafkaOptions.consumer(config);
        SchemaRegistryClient registry = KafkaOptions.registry(config);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);

        ReplayLog.Frames replay = ReplayLog.read(consumer, registry, topic, source, expect, timeout);
        List<String> order = replay.frameIds();
        stdout.printf(Locale.ROOT, "replay %s: %d frames in %s%n", replay.sourceId(), order.size(), topic);
        stdout.flush();

        String emotions = config.settings().emotionsTopic();
        try (EventCollector events = new EventCollector(consumer, registry, emotions, replay.sourceId(), timeout)) {
            await(events, order, timeout, new ProgressBar(err, "events", order.size()));
            long missing = events.missing(order);
            if (missing > 0) {
                err.printf("streams-app submission: %d of %d frames of %s have no event in %s after waiting %d s "
                        + "(is the app running? rejected frames are in %s)%n", missing, order.size(),
                        replay.sourceId(), emotions, timeoutSeconds, config.settings().rejectedTopic());
                return 1;
            }
            Submission submission = Submission.of(order, events.events());
            submission.write(out);
            StreamScore score = new StreamScore(events.inOrder(order));
            score.report().forEach(stdout::println);
            if (events.duplicates() > 0) {
                stdout.println("note: " + events.duplicates() + " repeated events for frames already seen were ignored");
            }
            if (score.labeled() > 0) {
                Optional<StreamAccuracy.Counts> app = StreamAccuracy.read(consumer, registry,
                        config.settings().accuracyTopic(), replay.sourceId(), score.labeled(), Duration.ofSeconds(15));
                stdout.println(app.map(c -> String.format(Locale.ROOT,
                                "the app's running accuracy (%s, source:%s): %.4f (%d of %d)",
                                config.settings().accuracyTopic(), replay.sourceId(), c.accuracy(), c.correct(), c.labeled()))
                        .orElse("the app's running accuracy: no snapshot for source:" + replay.sourceId()));
            }
            stdout.println(lastLine("submission", score, out));
            return 0;
        }
    }

    /** Polls until every frame has its event, or nothing new came for {@code idle}. */
    static void await(EventCollector events, List<String> order, Duration idle, ProgressBar bar) {
        long lastProgress = System.nanoTime();
        while (events.missing(order) > 0 && System.nanoTime() - lastProgress < idle.toNanos()) {
            if (events.poll(Duration.ofMillis(200)) > 0) {
                lastProgress = System.nanoTime();
            }
            bar.update(order.size() - events.missing(order), runningAccuracy(events));
        }
        bar.finish(order.size() - events.missing(order), runningAccuracy(events));
    }

    static String runningAccuracy(EventCollector events) {
        double a = events.runningAccuracy();
        return a < 0 ? "" : String.format(Locale.ROOT, "running accuracy %.4f", a);
    }

    /** {@code <tool>: frames=N accuracy=X submission=PATH}, accuracy {@code n/a} without labels. */
    public static String lastLine(String tool, StreamScore score, Path file) {
        return String.format(Locale.ROOT, "%s: frames=%d accuracy=%s submission=%s", tool, score.frames(),
                score.accuracy().isPresent() ? String.format(Locale.ROOT, "%.4f", score.accuracy().getAsDouble()) : "n/a",
                file.toAbsolutePath().normalize());
    }
}
