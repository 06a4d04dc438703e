package dev.emostream.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streams-app run}: runs the application until stopped (Ctrl-C, SIGTERM). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
                "Runs the Kafka Streams application until stopped.",
                "",
                "Settings, later wins: built-in defaults, --config FILE, environment variables EMOSTREAM_<NAME> "
                        + "(EMOSTREAM_BOOTSTRAP_SERVERS sets bootstrap.servers: lower case, '_' -> '.'), "
                        + "then --property key=value.",
                "Any Kafka Streams, consumer, producer or schema-registry client property can be set; the app's own: "
                        + "input.pattern, emotions.topic, accuracy.topic, rejected.topic, classifier.batch.size, "
                        + "classifier.batch.max.wait.ms, classifier.batch.idle.ms, classifier.batch.backlog.ms, "
                        + "classifier.batch.linger.ms, classifier.latency.target.ms, classifier.live.commit.ms, "
                        + "classifier.commit.backlog.ms, "
                        + "classifier.batches.in.flight, "
                        + "classifier.batches.waiting, classifier.native.threads, frame.min.size, frame.max.size, "
                        + "image.max.bytes, image.max.size, image.max.pixels, model.path, "
                        + "model.watch.interval.ms, model.fold.batch.norm, http.host, http.port, stream.thread.max.replacements.",
                "Models: model.source=folder (default) serves the newest artifact of model.path and swaps in newer ones; "
                        + "model.source=topic follows the control topic (rollout.topic, shadow.topic, rollout.shadow.share, "
                        + "rollout.shadow.yield, rollout.min.labeled, rollout.max.labeled, rollout.alpha, "
                        + "rollout.max.duration.ms; see "
                        + "`streams-app models --help`).",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:failed (configuration, Kafka, a permanent registry error)",
                "2:no usable model"})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file.")
    Path config;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "Overrides one property; repeatable.")
    List<String> properties = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        AppConfig appConfig = ConfigLoader.load(config, System.getenv(), properties);
        EmotionStreamsApp app = EmotionStreamsApp.create(appConfig);
        LOG.info("configuration: {}", appConfig.redacted());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        app.start();
        KafkaStreams.State end = app.stopped().get();
        if (end == KafkaStreams.State.ERROR) {
            String why = app.stopReason().map(r -> "stopped: " + r)
                    .orElse("Kafka Streams stopped with an error; see the log above");
            app.close();
            throw new Stopped(why);
        }
        return 0;
    }

    /** The app stopped itself; the CLI prints the message as its one line and exits with {@code EXIT_FAILED}. */
    static final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }
}
