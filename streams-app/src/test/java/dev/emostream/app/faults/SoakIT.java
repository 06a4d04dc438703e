package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.replay.RateLimiter;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.embedded.EmbeddedSchemaRegistry;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * Issue 7, item 8: the app with the shipped model at a steady fraction of its full speed for a long time, with one
 * broker restart (at a third) and one model swap (at two thirds). Only under {@code -P soak} (docs/OPERATIONS.md
 * "Soak"); {@code -Dsoak.minutes}, {@code -Dsoak.load}, {@code -Dsoak.rate} and the rest of {@link SoakSettings}
 * size it. Writes {@code target/soak/soak.json} and {@code soak.md} and prints one {@code soak: ...} line, pass or
 * fail, before it asserts.
 */
@DisplayName("soak")
class SoakIT {

    private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);
    private static final String RUN = "soak";
    private static final int PARTITIONS = 2;
    private static final Duration BROKER_DOWN = Duration.ofSeconds(8);
    private static final Duration OUTPUT_WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    @DisplayName("at 80% of full speed with a broker restart and a model swap: lag returns to 0, heap and RSS stay "
            + "flat, every frame in exactly one output once, accuracy counts every labeled frame once")
    void soak() throws Exception {
        SoakSettings settings = SoakSettings.fromSystemProperties();
        SoakReport report = new SoakReport(settings);
        Path shipped = ModelLocator.resolve(Path.of(System.getProperty("soak.models", "../models")));
        Path models = dir.resolve("models");
        Files.createDirectories(models);
        String v1 = ModelArtifact.readMetadata(shipped).version();
        String v2 = v1 + "-soak2";
        Path first = Files.copy(shipped, models.resolve(shipped.getFileName()));
        // older than the swapped-in copy, whatever the clock granularity
        Files.setLastModifiedTime(first, FileTime.from(Instant.now().minusSeconds(600)));
        Path staged = ReversionedArtifact.write(shipped, dir.resolve("staged").resolve(v2 + ModelArtifact.FILE_SUFFIX),
                v2);
        List<Fer2013Row> faces = NumberedFrames.trainingFaces(settings.faces());
        LOG.info("soak: {} min at {} of full speed, model {} then {}, {} training faces", settings.minutes(),
                settings.load(), v1, v2, faces.size());

        try (RestartableBroker broker = new RestartableBroker(dir.resolve("broker"));
             EmbeddedSchemaRegistry registryProcess = EmbeddedSchemaRegistry.start()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            String input = "faces." + RUN + "-cams";
            broker.createTopic(input, PARTITIONS);
            Map<String, String> props = ItSupport.appProperties(bootstrap, registryProcess.url(), RUN,
                    dir.resolve("state"), models);
            props.put("model.watch.interval.ms", "1000");
            broker.createTopic(props.get("emotions.topic"), PARTITIONS);
            broker.createTopic(props.get("accuracy.topic"), 1);
            broker.createTopic(props.get("rejected.topic"), 1);
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryProcess.url());

            try (EmotionStreamsApp app = FaultSupport.startApp(props);
                 ConsumerLag lag = new ConsumerLag(bootstrap, props.get("application.id"), input, PARTITIONS);
                 NumberedFrames frames = new NumberedFrames(bootstrap, new AvroSerializer<FaceFrame>(registry), input, faces,
                         settings.labeledEvery(), settings.badEvery())) {
                LOG.info("soak: watch the app at http://127.0.0.1:{}/metrics", app.httpPort());
                assertThat(app.metrics().registry().find("jvm.memory.used").gauges()).as("JVM meters bound").isNotEmpty();

                frames.send(settings.warmupFrames(), RateLimiter.unlimited());
                frames.flush();
                assertThat(lag.awaitZero(TimeUnit.MINUTES.toMillis(10))).as("warm-up frames processed").isTrue();
                double fullSpeed = settings.fixedRate() > 0 ? settings.fixedRate()
                        : fullSpeed(frames, lag, settings.burstFrames());
                double rate = settings.load() * fullSpeed;
                report.rates(fullSpeed, rate);
                LOG.info("soak: full speed {} frames/s; sending {} frames/s for {} min", String.format("%.1f", fullSpeed),
                        String.format("%.1f", rate), settings.minutes());

                Duration length = settings.duration();
                long start = System.nanoTime();
                try (SoakSampler sampler = new SoakSampler(Duration.ofSeconds(settings.sampleSeconds()),
                        settings.liveHeapPeriod(), lag, frames::sent, () -> app.metrics().classifiedCount()).start()) {
                    CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                        try {
                            frames.sendWhile(() -> System.nanoTime() < start + length.toNanos(),
                                    RateLimiter.perSecond(rate));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });

                    sleepUntil(start + length.toNanos() / 3);
                    report.event(since(start), "broker stopped after " + frames.sent() + " frames sent");
                    broker.stop();
                    FaultSupport.pause(BROKER_DOWN.toMillis());
                    broker.start();
                    report.event(since(start), "broker started again");

                    sleepUntil(start + 2 * length.toNanos() / 3);
                    Path swapped = models.resolve(staged.getFileName());
                    Files.move(staged, swapped, StandardCopyOption.ATOMIC_MOVE);
                    Files.setLastModifiedTime(swapped, FileTime.from(Instant.now()));
                    report.event(since(start), "artifact " + v2 + " dropped in the models folder");
                    Awaitility.await("model swapped").atMost(Duration.ofMinutes(2))
                            .until(() -> app.models().current().version().equals(v2));
                    report.event(since(start), "serving " + v2);

                    sending.join();
                    frames.flush();
                    report.event(since(start), "last frame sent (" + frames.sent() + ")");
                    sampler.phase("drain");
                    boolean drained = lag.awaitZero(settings.drain().toMillis());
                    report.event(since(start), drained ? "lag 0" : "lag not 0 after " + settings.drain());
                    long lagEnd = lag.total();
                    double soakSeconds = length.toMillis() / 1000.0;
                    List<SoakSampler.Sample> samples = sampler.samples();
                    sampler.close();

                    List<SoakSampler.Sample> steady = samples.stream().filter(s -> s.phase().equals("soak")).toList();
                    List<MemoryTrend> trends = List.of(
                            MemoryTrend.of("live heap", steady, SoakSampler.Sample::liveHeapMb, soakSeconds),
                            MemoryTrend.of("RSS", steady, SoakSampler.Sample::rssMb, soakSeconds));
                    OutputTally tally = OutputTally.read(bootstrap, registry, props, frames);
                    // Lag 0 is not yet "all output committed": the last frames of a partial batch sit in the
                    // changelogged frame buffer with their input offsets committed until the classifier's wall-clock
                    // check flushes them, one inference and one commit later (seconds on a loaded machine).
                    long outputDeadline = System.nanoTime() + OUTPUT_WAIT.toNanos();
                    while (tally.missing() > 0 && System.nanoTime() < outputDeadline) {
                        FaultSupport.pause(5000);
                        tally = OutputTally.read(bootstrap, registry, props, frames);
                    }
                    long labeled = frames.labeledAcked();
                    long bad = frames.badAcked();
                    report.outcome(frames.sent(), lagEnd, tally, trends, samples);

                    report.check("producer gave up on no frame", frames.failed() == 0,
                            frames.failed() + " failed" + (frames.failed() == 0 ? "" : ", last: " + frames.lastFailure()));
                    report.check("lag back to 0", drained && lagEnd == 0,
                            "lag " + lagEnd + " within " + settings.drain() + " of the last frame sent");
                    report.check("counts exact", tally.exact() && tally.events() + tally.rejected()
                                    == frames.acked().cardinality(),
                            String.format("%d acknowledged: %d events + %d dead letters (%d bad frames sent); "
                                            + "missing %d %s, duplicates %d, misrouted %d, unknown %d",
                                    frames.acked().cardinality(), tally.events(), tally.rejected(), bad,
                                    tally.missing(), tally.firstMissing(), tally.duplicates(), tally.misrouted(),
                                    tally.unknown()));
                    report.check("accuracy counts each labeled frame once", tally.labeledTotal() == labeled,
                            "labeled by version " + tally.labeledByVersion() + " = " + tally.labeledTotal()
                                    + ", labeled frames sent " + labeled);
                    report.check("the swapped-in model served", tally.labeledByVersion().containsKey(v2)
                                    && app.models().current().version().equals(v2),
                            "serving " + app.models().current().version());
                    report.check("app RUNNING at the end", app.streams().state() == KafkaStreams.State.RUNNING,
                            "state " + app.streams().state());
                    trends.forEach(t -> report.check(t.figure() + " flat", t.flat(), t.describe()));
                }

                Path out = Path.of(System.getProperty("soak.out", "target/soak"));
                String line = report.summaryLine();
                System.out.println(line);
                LOG.info("{} (details in {})", line, out.toAbsolutePath());
                report.write(out);
                assertThat(report.failed()).as(line).isEmpty();
            }
        }
    }

    /** Frames/s of a burst sent as fast as the producer goes, until the app has committed all of it. */
    private static double fullSpeed(NumberedFrames frames, ConsumerLag lag, int burst) throws InterruptedException {
        long t0 = System.nanoTime();
        frames.send(burst, RateLimiter.unlimited());
        frames.flush();
        assertThat(lag.awaitZero(TimeUnit.MINUTES.toMillis(10))).as("burst of " + burst + " processed").isTrue();
        return burst / ((System.nanoTime() - t0) / 1e9);
    }

    private static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
