package dev.emostream.app.demo;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.replay.EventCollector;
import dev.emostream.app.replay.FaceReplay;
import dev.emostream.app.replay.FrameFormat;
import dev.emostream.app.replay.FrameFormatOptions;
import dev.emostream.app.replay.FrameSink;
import dev.emostream.app.replay.KafkaFrameSink;
import dev.emostream.app.replay.KafkaOptions;
import dev.emostream.app.replay.ProgressBar;
import dev.emostream.app.replay.RateLimiter;
import dev.emostream.app.replay.ReplayCommand;
import dev.emostream.app.replay.StreamAccuracy;
import dev.emostream.app.replay.StreamScore;
import dev.emostream.app.replay.Submission;
import dev.emostream.app.replay.SubmissionCommand;
import dev.emostream.app.rollout.ModelPublisher;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streams-app demo}: the whole system in one process. An embedded KRaft broker and schema registry, the app
 * with the shipped model, a replay of a FER2013 CSV through it, and the submission file and scores at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
                "Starts an embedded Kafka broker and schema registry (their addresses are printed so other clients "
                        + "can join), runs the app with the shipped model, replays a FER2013 CSV through it, writes "
                        + "the Kaggle submission and prints frames, accuracy, per-class recall, throughput and "
                        + "latency. The last line is machine-readable: demo: frames=N accuracy=X submission=PATH.",
                "With --challenger FILE the app follows a control topic instead of its models folder: the model is "
                        + "published as champion, FILE as challenger, both classify every face, the dashboard shows "
                        + "their accuracy and agreement live, and the rule's decision is printed when it comes "
                        + "(rollout.min.labeled defaults to a quarter of the faces, at most 2,000).",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:failed", "2:no usable model", "3:no FER2013 CSV found"})
public final class DemoCommand implements Callable<Integer> {

    public static final int EXIT_NO_DATA = 3;
    public static final int EXIT_NO_MODEL = 2;
    public static final String SOURCE = "demo";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "CSV",
            description = "FER2013 CSV to replay (default: the public test set, ../shared/data/fer2013/public_test.csv.gz "
                    + "beside the repository or in $EMOSTREAM_FER2013_DIR; without it the bundled sample, "
                    + "data/fer2013-sample/public_test_sample.csv.gz).")
    Path data;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Submission file to write (default: target/demo/submission.csv in the repository).")
    Path out;

    @Option(names = "--model", paramLabel = "FILE|DIR",
            description = "Model artifact, or a folder for its newest (default: the shipped models folder).")
    Path model;

    @Option(names = "--limit", paramLabel = "N", description = "Replay only the first N faces.")
    Long limit;

    @Option(names = "--challenger", paramLabel = "FILE",
            description = "A model artifact to roll out against the model: shadowed on every face, promoted or dropped "
                    + "by the rule (docs/OPERATIONS.md, \"Rolling out a model\").")
    Path challenger;

    @Mixin
    FrameFormatOptions frames = new FrameFormatOptions();

    @Option(names = "--exit", negatable = true,
            description = "Shut down after the summary (--exit), or keep the broker, registry, app and its dashboard "
                    + "running until Ctrl-C so the page stays up and other clients can join (--no-exit). Default: "
                    + "keep running when started from a terminal, shut down when not (scripts, CI).")
    Boolean exit;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "Give up when no frame was classified for this long (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "Overrides an app property (e.g. classifier.batch.size=64); repeatable.")
    List<String> properties = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RepositoryLayout layout = RepositoryLayout.find();
        Replayed replayed = data != null ? new Replayed(data, Optional.empty()) : defaultData(layout.fer2013());
        Path csv = replayed.csv();
        Path submission = out != null ? out : layout.defaultSubmission();
        if (!Files.isRegularFile(csv)) {
            err.println(noDataMessage(csv, data == null));
            err.flush();
            return EXIT_NO_DATA;
        }
        replayed.note().ifPresent(err::println);
        Path modelPath = model != null ? model : ModelLocator.defaultModelsFolder();
        Path artifact;
        try {
            artifact = ModelLocator.resolve(modelPath);
        } catch (ModelArtifactException e) {
            err.println("streams-app demo: " + e.getMessage() + ". Train one with `bin/trainer train --train "
                    + "../shared/data/fer2013/train.csv.gz --val ../shared/data/fer2013/public_test.csv.gz` "
                    + "(it writes into models/), or pass --model FILE.");
            err.flush();
            return EXIT_NO_MODEL;
        }
        long rows = Math.min(countRows(csv), limit == null ? Long.MAX_VALUE : limit);
        FrameFormat format = frames.format();

        DemoLogging.quietInfrastructure();
        DemoEnvironment env = new DemoEnvironment();
        Thread hook = new Thread(env::close, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long started = System.nanoTime();
            err.println("starting the embedded Kafka broker and schema registry...");
            err.flush();
            env.startInfrastructure(layout.registryApp());
            AppConfig config = env.appConfig(artifact, challenger == null ? properties
                    : DemoRollout.properties(rows, properties));
            stdout.println("Kafka bootstrap servers: " + env.broker().bootstrapServers());
            stdout.println("schema registry:         " + env.registry().url());
            String topic = ReplayCommand.DEFAULT_TOPIC;
            env.createTopics(List.of(topic, config.settings().emotionsTopic(), config.settings().accuracyTopic(),
                    config.settings().rejectedTopic()));
            if (challenger != null) {
                // before the app starts, so it serves the champion the topic names from its first frame
                new ModelPublisher(config).publish(artifact, true, "the demo's model");
            }
            EmotionStreamsApp app = env.startApp();
            stdout.println("model:                   " + app.models().current().version() + " (" + artifact + ")");
            if (app.httpPort() > 0) {
                stdout.println("app HTTP:                http://" + config.httpHost() + ":" + app.httpPort()
                        + "/accuracy  /health  /metrics");
                stdout.println("dashboard:               http://" + config.httpHost() + ":" + app.httpPort() + "/");
            }
            stdout.flush();
            env.awaitRunning(Duration.ofSeconds(120));
            err.printf(Locale.ROOT, "ready in %.1f s; replaying %d faces from %s as %s%n",
                    (System.nanoTime() - started) / 1e9, rows, csv, format.describe());
            err.flush();

            DemoRollout rollout = null;
            if (challenger != null) {
                ModelPublisher.Result published = new ModelPublisher(config).publish(challenger, false,
                        "the demo's challenger");
                rollout = new DemoRollout(app, published, config.rolloutSettings());
                rollout.awaitShadowing(Duration.ofSeconds(60));
                stdout.println("challenger:              " + published.version() + " (" + challenger + "), "
                        + published.after().rollout().id() + ", " + rollout.rule());
                stdout.flush();
            }
            Result result = replayAndScore(env, config, csv, topic, rows, format, err);
            if (result == null) {
                return 1;
            }
            Submission.of(result.order(), result.events()).write(submission);
            result.score().report().forEach(stdout::println);
            result.appAccuracy().ifPresent(c -> stdout.printf(Locale.ROOT,
                    "the app's own count (%s, source:%s): %.4f (%d of %d)%n", config.settings().accuracyTopic(),
                    SOURCE, c.accuracy(), c.correct(), c.labeled()));
            if (result.malformed() > 0) {
                stdout.println("malformed rows skipped: " + result.malformed());
            }
            if (rollout != null) {
                stdout.println(rollout.awaitDecision(Duration.ofSeconds(30)));
            }
            // A person at a terminal keeps the dashboard; a script gets its exit code.
            boolean finish = exit != null ? exit : System.console() == null;
            if (!finish) {
                err.println("still running (dashboard http://" + config.httpHost() + ":" + app.httpPort()
                        + "/, broker " + env.broker().bootstrapServers() + ", registry " + env.registry().url()
                        + "): Ctrl-C to stop, or --exit next time to finish after the replay");
                err.flush();
            }
            stdout.println(SubmissionCommand.lastLine("demo", result.score(), submission));
            stdout.flush();
            if (!finish) {
                new CountDownLatch(1).await(); // until Ctrl-C: the hook stops everything
            }
            return 0;
        } finally {
            env.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or has run
            }
        }
    }

    /** What the demo replays without {@code --data}, and the line that says so when it is not the full test set. */
    record Replayed(Path csv, Optional<String> note) {
    }

    static Replayed defaultData(Fer2013Files files) {
        Optional<Path> full = files.full(Fer2013Files.PUBLIC_TEST);
        if (full.isPresent()) {
            return new Replayed(full.get(), Optional.empty());
        }
        // not files.sample(): a checkout without it gets noDataMessage, which says where the real data comes from
        return new Replayed(files.sampleFolder().resolve(Fer2013Files.PUBLIC_TEST_SAMPLE), Optional.of(
                "replaying the bundled sample (800 of the public test's 3,589 faces, " + Fer2013Files.SAMPLE_FOLDER
                        + "): for the full test set put Kaggle's FER2013 CSVs in " + files.fullFolder()
                        + " (or set " + Fer2013Files.DIR_ENV + "), or pass --data FILE"));
    }

    record Result(List<String> order, java.util.Map<String, dev.emostream.schemas.EmotionEvent> events,
                  StreamScore score, Optional<StreamAccuracy.Counts> appAccuracy, long malformed) {
    }

    /** Replays on one thread while this one follows the events, with one progress line for both. */
    private Result replayAndScore(DemoEnvironment env, AppConfig config, Path csv, String topic, long rows,
                                  FrameFormat format, PrintWriter err) throws Exception {
        Properties consumer = KafkaOptions.consumer(config);
        SchemaRegistryClient registry = KafkaOptions.registry(config);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        AtomicLong malformed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        CompletableFuture<FaceReplay.Result> replay = CompletableFuture.supplyAsync(() -> {
            try (Fer2013CsvReader reader = Fer2013CsvReader.open(csv);
                 FrameSink sink = new RecordingSink(new KafkaFrameSink(topic, KafkaOptions.producer(config), registry),
                         order)) {
                return new FaceReplay(sink, RateLimiter.unlimited(), SOURCE, rows, Clock.systemUTC(), format)
                        .replay(reader, new FaceReplay.Listener() {
                            @Override
                            public void sent(long frames) {
                                sent.set(frames);
                            }

                            @Override
                            public void malformed(dev.emostream.model.csv.Fer2013FormatException e) {
                                malformed.incrementAndGet();
                                synchronized (err) {
                                    err.println("skipped malformed row: " + e.getMessage());
                                }
                            }
                        });
            } catch (Exception e) {
                throw new IllegalStateException("replay failed: " + e.getMessage(), e);
            }
        });

        ProgressBar bar = new ProgressBar(err, "classified", rows);
        Duration idle = Duration.ofSeconds(timeoutSeconds);
        try (EventCollector events = new EventCollector(consumer, registry, config.settings().emotionsTopic(), SOURCE,
                Duration.ofSeconds(60))) {
            long lastProgress = System.nanoTime();
            while (true) {
                if (events.poll(Duration.ofMillis(200)) > 0) {
                    lastProgress = System.nanoTime();
                }
                boolean replayDone = replay.isDone();
                if (replay.isCompletedExceptionally()) {
                    replay.join(); // throws the replay's failure
                }
                List<String> snapshot = List.copyOf(order);
                long missing = events.missing(snapshot);
                synchronized (err) {
                    bar.update(events.size(), progressSuffix(sent.get(), events));
                }
                if (replayDone && missing == 0) {
                    break;
                }
                if (System.nanoTime() - lastProgress > idle.toNanos()) {
                    bar.finish(events.size(), progressSuffix(sent.get(), events));
                    err.printf("streams-app demo: %d of %d frames were not classified after waiting %d s%n",
                            missing, snapshot.size(), timeoutSeconds);
                    return null;
                }
            }
            bar.finish(events.size(), progressSuffix(sent.get(), events));
            FaceReplay.Result replayed = replay.join();
            StreamScore score = new StreamScore(events.inOrder(order));
            Optional<StreamAccuracy.Counts> app = score.labeled() == 0 ? Optional.empty()
                    : StreamAccuracy.read(consumer, registry, config.settings().accuracyTopic(), SOURCE,
                    score.labeled(), Duration.ofSeconds(15));
            return new Result(List.copyOf(order), events.events(), score, app, replayed.malformed());
        }
    }

    private static String progressSuffix(long sent, EventCollector events) {
        double a = events.runningAccuracy();
        return "replayed " + sent + (a < 0 ? "" : String.format(Locale.ROOT, ", running accuracy %.4f", a));
    }

    static String noDataMessage(Path csv, boolean isDefault) {
        return "streams-app demo: no FER2013 CSV at " + csv.toAbsolutePath().normalize() + ".\n"
                + (isDefault ? "Without --data the demo replays FER2013's public test set from "
                + Fer2013Files.BESIDE_CHECKOUT + " beside the repository (or $" + Fer2013Files.DIR_ENV
                + "), else the sample bundled in " + Fer2013Files.SAMPLE_FOLDER + ".\n" : "")
                + "Get the Kaggle FER2013 CSVs (fer2013.csv, or train.csv and test.csv) from\n"
                + "  https://www.kaggle.com/c/challenges-in-representation-learning-facial-expression-recognition-challenge/data\n"
                + "and pass one with --data FILE (id,emotion,pixels / emotion,pixels[,Usage] / id,pixels / pixels;"
                + " .csv or .csv.gz).";
    }

    private static long countRows(Path csv) throws java.io.IOException {
        try (Fer2013CsvReader ignored = Fer2013CsvReader.open(csv)) {
            // opening checks the header; a file that is not a FER2013 CSV stops here with the reader's message
        }
        return dev.emostream.app.replay.CsvRows.count(csv);
    }

    /** Records the frame ids in send order: the submission's row order. */
    private static final class RecordingSink implements FrameSink {
        private final FrameSink delegate;
        private final List<String> order;

        RecordingSink(FrameSink delegate, List<String> order) {
            this.delegate = delegate;
            this.order = order;
        }

        @Override
        public void send(FaceFrame frame) {
            delegate.send(frame);
            order.add(frame.getFrameId().toString());
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
