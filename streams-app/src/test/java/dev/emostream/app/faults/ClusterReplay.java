package dev.emostream.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.KafkaStreams;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.replay.RateLimiter;
import dev.emostream.app.testing.TestModels;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * One labeled replay through one or two app instances (in this JVM, same application id) on a
 * {@link ThreeBrokerCluster}, with topics and an application id of its own, while the test does something to the
 * brokers: {@link #start} returns once events flow, the test acts, {@link #finish} keeps the frames coming until
 * the app has gone on past the fault, then counts every output ({@link OutputTally}) and measures what the fault
 * cost ({@link FaultCost}).
 *
 * <p>Frames go at {@value #RATE} a second, well under what the app classifies with the small test model, so a gap
 * in the events is the fault's and not a backlog's. One frame in {@value #LABELED_EVERY} carries its label, one in
 * {@value #BAD_EVERY} is a pixel short (a dead letter). Partition leaders start apart: the input's on broker 1,
 * {@code emotions}' on broker 2, the accuracy and dead-letter topics' on broker 3.
 */
final class ClusterReplay implements AutoCloseable {

    static final int RATE = 50;
    static final int LABELED_EVERY = 2;
    static final int BAD_EVERY = 50;
    static final int PARTITIONS = 2;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterReplay.class);
    /** Events before the test may act: the app has joined, restored and committed. */
    private static final long WARM_EVENTS = 100;
    /** Events after the fault that show the app went on (three seconds of frames). */
    private static final long EVENTS_AFTER = 3L * RATE;
    private static final Duration START_LIMIT = Duration.ofMinutes(2);
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(3);
    private static final Duration OUTPUT_WAIT = Duration.ofMinutes(2);

    private final ThreeBrokerCluster cluster;
    private final String run;
    private final Map<String, String> props;
    private final RestSchemaRegistryClient registry;
    private final List<EmotionStreamsApp> apps = new ArrayList<>();
    /** The instances' own log: a stream thread replaced after a failure says so there. */
    private final FaultSupport.LogCapture appLog = new FaultSupport.LogCapture(EmotionStreamsApp.class.getName());
    private NumberedFrames frames;
    private EventGaps gaps;
    private CompletableFuture<Void> sending;
    private volatile boolean send = true;
    private long startNanos;

    private ClusterReplay(ThreeBrokerCluster cluster, String registryUrl, String run, Map<String, String> props) {
        this.cluster = cluster;
        this.run = run;
        this.props = props;
        this.registry = new RestSchemaRegistryClient(registryUrl);
    }

    /**
     * Creates the replay's topics (replicated three times), starts {@code instances} app instances and the frames,
     * and returns once {@value #WARM_EVENTS} events have been committed.
     *
     * @param run a short name, letters, digits and dashes: the topics' and application id's suffix
     */
    static ClusterReplay start(ThreeBrokerCluster cluster, String registryUrl, Path dir, String run, int instances,
                               List<Fer2013Row> faces) throws Exception {
        Path models = dir.resolve(run).resolve("models");
        TestModels.write(Files.createDirectories(models), run + "-v1", 3);
        Map<String, String> props = FaultSupport.appProperties(cluster.bootstrapServers(), registryUrl, run,
                dir.resolve(run).resolve("state"), models);
        ClusterReplay replay = new ClusterReplay(cluster, registryUrl, run, props);
        try {
            replay.begin(dir.resolve(run), instances, faces);
        } catch (Exception | AssertionError e) {
            replay.close();
            throw e;
        }
        return replay;
    }

    private void begin(Path dir, int instances, List<Fer2013Row> faces) throws Exception {
        cluster.createTopic(inputTopic(), PARTITIONS, 1);
        cluster.createTopic(emotionsTopic(), PARTITIONS, 2);
        cluster.createTopic(props.get("accuracy.topic"), 1, 3);
        cluster.createTopic(props.get("rejected.topic"), 1, 3);
        startNanos = System.nanoTime();
        for (int i = 0; i < instances; i++) {
            Map<String, String> instance = new HashMap<>(props);
            instance.put("state.dir", dir.resolve("state-" + i).toString());
            apps.add(FaultSupport.startApp(instance));
        }
        gaps = EventGaps.follow(cluster.bootstrapServers(), emotionsTopic());
        frames = new NumberedFrames(cluster.bootstrapServers(), new AvroSerializer<FaceFrame>(registry), inputTopic(),
                faces, LABELED_EVERY, BAD_EVERY);
        sending = CompletableFuture.runAsync(() -> {
            try {
                frames.sendWhile(() -> send, RateLimiter.perSecond(RATE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(gaps.awaitEvents(WARM_EVENTS, START_LIMIT))
                .as("%s: %d events within %s of the start; apps %s", run, WARM_EVENTS, START_LIMIT, states())
                .isTrue();
        LOG.info("{}: {} instance(s) flowing after {} ms", run, instances,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    String applicationId() {
        return props.get("application.id");
    }

    String inputTopic() {
        return "faces." + run + "-cams";
    }

    String emotionsTopic() {
        return props.get("emotions.topic");
    }

    long events() {
        return gaps.events();
    }

    /**
     * Fails unless every topic of this replay, the app's internal ones (changelogs, repartition), {@code
     * __consumer_offsets} and {@code __transaction_state} have three replicas and {@code min.insync.replicas} 2.
     */
    void assertReplicated() throws Exception {
        Map<String, ThreeBrokerCluster.Replication> all = cluster.replication();
        List<String> ours = all.keySet().stream().filter(t -> t.contains(run) || t.startsWith("__")).sorted().toList();
        assertThat(ours).as("topics of %s", run).contains("__consumer_offsets", "__transaction_state", inputTopic(),
                emotionsTopic(), applicationId() + "-accuracy-by-scope-repartition");
        assertThat(ours.stream().filter(t -> t.startsWith(applicationId() + "-") && t.endsWith("-changelog")))
                .as("changelogs of %s", applicationId()).hasSizeGreaterThanOrEqualTo(2);
        ThreeBrokerCluster.Replication expected = new ThreeBrokerCluster.Replication(ThreeBrokerCluster.REPLICATION,
                ThreeBrokerCluster.MIN_INSYNC);
        ours.forEach(t -> assertThat(all.get(t)).as("replication of %s", t).isEqualTo(expected));
    }

    /** Stream threads the instances have replaced after a failure so far (none, when Streams absorbs the fault). */
    long threadsReplaced() {
        return appLog.lines().stream().filter(l -> l.contains("stream thread failed, replacing it")).count();
    }

    /** Fails unless every instance is still running (or rebalancing) and has not decided to stop. */
    void assertAppsAlive(String when) {
        for (EmotionStreamsApp app : apps) {
            assertThat(app.stopReason()).as("%s: %s, the app stopped itself", run, when).isEmpty();
            assertThat(app.streams().state()).as("%s: %s", run, when)
                    .isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        }
    }

    /**
     * After the fault: sends until the app has committed {@value #EVENTS_AFTER} more events (it went on), stops
     * the frames, reads every output, records the row and asserts the counts exact and the instances running.
     */
    FaultCost finish(String fault) throws Exception {
        long mark = gaps.events();
        boolean wentOn = gaps.awaitEvents(mark + EVENTS_AFTER, RECOVERY_LIMIT);
        send = false;
        sending.get(1, TimeUnit.MINUTES);
        frames.flush();
        OutputTally tally = OutputTally.read(cluster.bootstrapServers(), registry, props, frames);
        // the last frames of a partial batch are committed a batch wait and one commit after the input offsets
        long outputDeadline = System.nanoTime() + OUTPUT_WAIT.toNanos();
        while ((tally.missing() > 0 || tally.labeledTotal() < frames.labeledAcked())
                && System.nanoTime() < outputDeadline) {
            FaultSupport.pause(2000);
            tally = OutputTally.read(cluster.bootstrapServers(), registry, props, frames);
        }
        FaultCost cost = new FaultCost(fault, apps.size(), frames.sent(), frames.failed(), tally, frames.badAcked(),
                frames.labeledAcked(), Arrays.stream(frames.labelsAcked()).boxed().toList(),
                gaps.longestGap(), gaps.longestGapEnd(), threadsReplaced(),
                Duration.ofNanos(System.nanoTime() - startNanos));
        LOG.info(cost.line());
        cost.record();

        assertThat(wentOn).as("%s: %d events after the fault within %s (%d before it); apps %s", fault,
                EVENTS_AFTER, RECOVERY_LIMIT, mark, states()).isTrue();
        cost.assertExact();
        for (EmotionStreamsApp app : apps) {
            assertThat(app.stopReason()).as("%s: the app stopped itself", fault).isEmpty();
            Awaitility.await(fault + ": instance RUNNING").atMost(Duration.ofMinutes(1))
                    .until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
        }
        return cost;
    }

    private List<String> states() {
        return apps.stream().map(a -> a.streams().state() + a.stopReason().map(r -> " (" + r + ")").orElse(""))
                .toList();
    }

    @Override
    public void close() throws Exception {
        send = false;
        if (sending != null) {
            sending.get(1, TimeUnit.MINUTES);
        }
        if (gaps != null) {
            gaps.close();
        }
        for (EmotionStreamsApp app : apps) {
            app.close();
        }
        if (frames != null) {
            frames.close();
        }
        appLog.close();
    }
}
