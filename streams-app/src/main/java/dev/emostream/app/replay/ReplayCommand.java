package dev.emostream.app.replay;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.emostream.app.config.AppConfig;
import dev.emostream.model.csv.Fer2013CsvReader;
import dev.emostream.model.csv.Fer2013FormatException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams-app replay}: replays a FER2013 CSV into a faces topic. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
                "Replays the faces of a Kaggle FER2013 CSV (id,emotion,pixels; emotion,pixels[,Usage]; id,pixels; "
                        + "pixels; gzip or plain) into a faces topic as FaceFrame records.",
                "Key and source id: --source (default replay-<random>, one per run, which `submission` uses to find "
                        + "this run). Frame id: the CSV's id, else the row number. The true label when the CSV has "
                        + "one. Malformed rows are reported with their line number and skipped.",
                "Each face goes as raw gray pixels, a PNG or a JPEG (--encoding), alone or in a 640x480 frame with "
                        + "its face box (--face-box).",
                "Idempotent producer with acks=all. Connection settings as for `run`.",
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:replayed (malformed rows, if any, were reported and skipped)", "1:failed"})
public final class ReplayCommand implements Callable<Integer> {

    public static final String DEFAULT_TOPIC = "faces.replay";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "The FER2013 CSV (.csv or .csv.gz).")
    Path data;

    @Option(names = "--topic", defaultValue = DEFAULT_TOPIC, description = "Topic to write (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--source", paramLabel = "ID",
            description = "Source id and record key (default: replay-<random>, new for each run).")
    String source;

    @ArgGroup(exclusive = true)
    Pace pace = new Pace();

    static final class Pace {
        @Option(names = "--rate", paramLabel = "N[/s]", converter = RateConverter.class,
                description = "Frames per second, held by absolute-time scheduling (e.g. 100 or 100/s).")
        Double rate;

        @Option(names = "--max", description = "As fast as the producer goes (the default).")
        boolean max;
    }

    @Option(names = "--limit", paramLabel = "N", description = "Send at most N frames.")
    Long limit;

    @Mixin
    FrameFormatOptions frames = new FrameFormatOptions();

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(data)) {
            err.println("streams-app replay: no such file: " + data.toAbsolutePath());
            return 1;
        }
        AppConfig config = kafka.load();
        if (!config.settings().inputPattern().matcher(topic).matches()) {
            err.println("warning: topic " + topic + " does not match the app's input pattern "
                    + config.settings().inputPattern() + ": the app will not read it");
        }
        FrameFormat format = frames.format();
        String sourceId = source != null ? source : newSourceId();
        long rows = CsvRows.count(data);
        long max = limit == null ? Long.MAX_VALUE : limit;
        RateLimiter limiter = pace.rate == null ? RateLimiter.unlimited() : RateLimiter.perSecond(pace.rate);

        ensureTopic(KafkaOptions.admin(config), topic);
        ProgressBar bar = new ProgressBar(err, "replay", Math.min(rows, max));
        FaceReplay.Result result;
        try (Fer2013CsvReader reader = Fer2013CsvReader.open(data);
             KafkaFrameSink sink = new KafkaFrameSink(topic, KafkaOptions.producer(config), KafkaOptions.registry(config),
                     config.registryProperties())) {
            out.printf(Locale.ROOT, "replaying %s (%s) to %s as source %s, %s, %s%n", data, describe(reader), topic,
                    sourceId, format.describe(), limiter.isLimited()
                            ? String.format(Locale.ROOT, "%.1f frames/s", limiter.permitsPerSecond())
                            : "as fast as possible");
            out.flush();
            result = new FaceReplay(sink, limiter, sourceId, max, Clock.systemUTC(), format).replay(reader, new FaceReplay.Listener() {
                @Override
                public void sent(long frames) {
                    bar.update(frames, null);
                }

                @Override
                public void malformed(Fer2013FormatException e) {
                    err.println("skipped malformed row: " + e.getMessage());
                }
            });
            bar.finish(result.sent(), null);
        }
        out.println(summary(result, topic));
        out.printf("next: bin/streams-app submission --out submission.csv --topic %s --source %s --expect %d%n",
                topic, sourceId, result.sent());
        return 0;
    }

    static String summary(FaceReplay.Result r, String topic) {
        return String.format(Locale.ROOT,
                "replay: frames=%d labeled=%d malformed=%d topic=%s source=%s seconds=%.1f rate=%.1f/s",
                r.sent(), r.labeled(), r.malformed(), topic, r.sourceId(), r.elapsed().toNanos() / 1e9,
                r.framesPerSecond());
    }

    public static String newSourceId() {
        return "replay-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String describe(Fer2013CsvReader reader) {
        return (reader.hasLabels() ? "labeled" : "no labels") + ", " + (reader.hasIds() ? "ids from the CSV" : "ids = row numbers");
    }

    /** Creates the topic with the broker's default partitions and replication when it does not exist. */
    public static void ensureTopic(Properties adminProperties, String topic) throws InterruptedException {
        try (Admin admin = Admin.create(adminProperties)) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                    .all().get(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(),
                        e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + ": no answer from the cluster in 30 s", e);
        }
    }

    /** Accepts {@code 100}, {@code 100/s}, {@code 2.5/s}. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.endsWith("/s")) {
                v = v.substring(0, v.length() - 2).strip();
            }
            double rate;
            try {
                rate = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a rate such as 100/s");
            }
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new picocli.CommandLine.TypeConversionException("rate must be positive, got '" + value + "'");
            }
            return rate;
        }
    }
}
