package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.Lineup;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.app.rollout.RolloutSettings;
import dev.emostream.app.testing.Frames;
import dev.emostream.app.testing.StandInClassifier;
import dev.emostream.model.Emotion;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutAction;
import dev.emostream.schemas.RolloutRecord;
import dev.emostream.schemas.registry.InMemorySchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerde;
import dev.emostream.schemas.serde.AvroSerializer;
import dev.emostream.schemas.FaceFrame;

/**
 * The topology in topic mode, driven with {@link TopologyTestDriver}: a champion and a challenger (stand-ins whose
 * predictions the frames choose), the shadow topic, the challenger's accuracy and agreement, and the rule's decision
 * on the control topic.
 */
@DisplayName("EmotionTopology in topic mode (a rollout)")
class RolloutTopologyTest {

    private static final String INPUT = "faces.cam-1";
    private static final Duration MAX_WAIT = Duration.ofMillis(100);
    private static final byte[] KEY = "cam-1".getBytes();
    private static final String ROLLOUT = "rollout-7";
    private static final String SHA = "e".repeat(64);

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer<FaceFrame> frameSerializer = new AvroSerializer<>(registry);
    private final AppMetrics metrics = AppMetrics.inMemory();
    private final ServingModel champion = ServingModel.shared(new StandInClassifier("v1"), "test");
    private final ModelHolder models = new ModelHolder(champion);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], EmotionEvent> emotions;
    private TestOutputTopic<byte[], EmotionEvent> shadow;
    private TestOutputTopic<String, AccuracySnapshot> accuracy;
    private TestOutputTopic<String, ModelControl> control;

    /** Predicts the class after the stand-in's: right exactly where the champion is wrong by one. */
    private static final class NextClass implements EmotionClassifier {
        @Override
        public String modelVersion() {
            return "v2";
        }

        @Override
        public List<EmotionPrediction> classify(List<FaceImage> faces) {
            List<EmotionPrediction> out = new ArrayList<>();
            for (FaceImage f : faces) {
                Emotion next = Emotion.fromCode((StandInClassifier.predictionFor(f).code() + 1) % Emotion.COUNT);
                out.add(EmotionPrediction.fromScores(StandInClassifier.scoresFor(next)));
            }
            return out;
        }
    }

    private void start(RolloutSettings rollout, EmotionClassifier challenger, double share) {
        models.serve(new Lineup(champion, new Lineup.Challenger(ServingModel.shared(challenger, "test"), ROLLOUT, SHA,
                System.currentTimeMillis(), share)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollout-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        TopologySettings settings = TopologySettings.defaults().withBatch(4, MAX_WAIT);
        driver = new TopologyTestDriver(EmotionTopology.build(settings, rollout, models, registry, Map.of(), metrics,
                Runnable::run), props);
        input = driver.createInputTopic(INPUT, new ByteArraySerializer(), new ByteArraySerializer());
        AvroSerde<EmotionEvent> events = AvroSerde.forValues(EmotionEvent.class, registry);
        emotions = driver.createOutputTopic(settings.emotionsTopic(), new ByteArrayDeserializer(), events.deserializer());
        shadow = driver.createOutputTopic(rollout.shadowTopic(), new ByteArrayDeserializer(), events.deserializer());
        accuracy = driver.createOutputTopic(settings.accuracyTopic(), new StringDeserializer(),
                AvroSerde.forValues(AccuracySnapshot.class, registry).deserializer());
        control = driver.createOutputTopic(rollout.controlTopic(), new StringDeserializer(),
                AvroSerde.forValues(ModelControl.class, registry).deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** A frame the champion calls {@code championSays} with true label {@code truth}. */
    private void send(String id, Emotion championSays, Emotion truth) {
        FaceFrame f = Frames.frame(id, "cam-1", championSays,
                truth == null ? null : dev.emostream.schemas.Emotion.values()[truth.code()]);
        input.pipeInput(KEY, frameSerializer.serialize(INPUT, f));
    }

    private static Emotion next(Emotion e) {
        return Emotion.fromCode((e.code() + 1) % Emotion.COUNT);
    }

    @Test
    @DisplayName("each frame: the champion's event to emotions, the challenger's to the shadow topic, same key; "
            + "the challenger's accuracy and agreement as snapshots")
    void shadowsEveryFrame() {
        start(RolloutSettings.defaults(), new NextClass(), 1.0);
        send("f1", Emotion.HAPPY, Emotion.HAPPY);          // champion right
        send("f2", Emotion.SAD, next(Emotion.SAD));        // challenger right
        send("f3", Emotion.FEAR, null);                    // unlabeled
        driver.advanceWallClockTime(MAX_WAIT);

        assertThat(emotions.readValuesToList()).extracting(EmotionEvent::getFrameId, EmotionEvent::getModelVersion)
                .containsExactly(tuple("f1", "v1"), tuple("f2", "v1"), tuple("f3", "v1"));
        List<org.apache.kafka.streams.test.TestRecord<byte[], EmotionEvent>> shadowed = shadow.readRecordsToList();
        assertThat(shadowed).extracting(r -> r.value().getFrameId()).containsExactly("f1", "f2", "f3");
        assertThat(shadowed).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(KEY);
            assertThat(r.value().getModelVersion()).isEqualTo("v2");
        });
        assertThat(shadowed.get(0).value().getPredicted()).isEqualTo(dev.emostream.schemas.Emotion.SAD);

        Map<String, AccuracySnapshot> snapshots = accuracy.readKeyValuesToMap();
        assertThat(snapshots).containsKeys("v1|all", "v2|shadow", "v2|agreement:v1").doesNotContainKey("v2|all");
        AccuracySnapshot mine = snapshots.get("v2|shadow");
        assertThat(mine.getSeen()).isEqualTo(3);
        assertThat(mine.getLabeled()).isEqualTo(2);
        assertThat(mine.getCorrect()).isEqualTo(1);
        AccuracySnapshot agreement = snapshots.get("v2|agreement:v1");
        assertThat(agreement.getLabeled()).as("frames shadowed").isEqualTo(3);
        assertThat(agreement.getCorrect()).as("frames both put in one class").isZero();
        assertThat(control.isEmpty()).as("no decision below the minimum").isTrue();
        assertThat(metrics.shadowedCount("v2")).isEqualTo(3);
        KeyValueStore<String, PairedCounts> store = driver.getKeyValueStore(EmotionTopology.ROLLOUT_STORE);
        PairedCounts counts = store.get(ROLLOUT);
        assertThat(counts.shadowed()).isEqualTo(3);
        assertThat(counts.labeled()).isEqualTo(2);
        assertThat(counts.championOnly()).isEqualTo(1);
        assertThat(counts.challengerOnly()).isEqualTo(1);
        assertThat(counts.decision()).isNull();
    }

    @Test
    @DisplayName("a challenger right where the champion is wrong is promoted at the look, by one record with its "
            + "counts and p-value, and never decided again")
    void promotesOnce() {
        start(RolloutSettings.defaults().withRule(20, 20), new NextClass(), 1.0);
        for (int i = 0; i < 40; i++) {
            Emotion says = Emotion.fromCode(i % Emotion.COUNT);
            send("f" + i, says, i % 10 == 0 ? says : next(says)); // challenger alone right 36 times, champion 4
        }
        driver.advanceWallClockTime(MAX_WAIT);

        List<org.apache.kafka.streams.test.TestRecord<String, ModelControl>> decisions = control.readRecordsToList();
        assertThat(decisions).hasSize(1);
        assertThat(decisions.get(0).key()).isEqualTo("decision/" + ROLLOUT);
        RolloutRecord r = (RolloutRecord) decisions.get(0).value().getPayload();
        assertThat(r.getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(r.getVersion()).isEqualTo("v2");
        assertThat(r.getSha256()).isEqualTo(SHA);
        assertThat(r.getRollout()).isEqualTo(ROLLOUT);
        assertThat(r.getChampion()).isEqualTo("v1");
        assertThat(r.getDecidedBy()).isEqualTo("rule");
        assertThat(r.getEvidence().getLabeled()).isBetween(20L, 23L); // the batch of 4 that crossed 20
        assertThat(r.getEvidence().getChampionOnly() + r.getEvidence().getChallengerOnly())
                .isEqualTo(r.getEvidence().getLabeled());
        assertThat(r.getEvidence().getPValue()).isLessThan(0.05);
        assertThat(r.getEvidence().getLook()).isEqualTo(1);
        assertThat(driver.<String, PairedCounts>getKeyValueStore(EmotionTopology.ROLLOUT_STORE).get(ROLLOUT).labeled())
                .as("frames after the decision are still counted").isEqualTo(40);

        // the same rollout id for another rollout (a control topic recreated): decided afresh, not taken as decided
        models.serve(new Lineup(champion, new Lineup.Challenger(ServingModel.shared(new NextClass(), "test"), ROLLOUT,
                "another-sha", System.currentTimeMillis() + 1, 1.0)));
        for (int i = 0; i < 40; i++) {
            Emotion says = Emotion.fromCode(i % Emotion.COUNT);
            send("g" + i, says, i % 10 == 0 ? says : next(says));
        }
        driver.advanceWallClockTime(MAX_WAIT);
        RolloutRecord again = (RolloutRecord) control.readValue().getPayload();
        assertThat(again.getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(again.getSha256()).isEqualTo("another-sha");
    }

    @Test
    @DisplayName("a challenger worse than the champion is dropped")
    void dropsWorse() {
        start(RolloutSettings.defaults().withRule(20, 20), new NextClass(), 1.0);
        for (int i = 0; i < 24; i++) {
            Emotion says = Emotion.fromCode(i % Emotion.COUNT);
            send("f" + i, says, says); // the champion always right, the challenger never
        }
        driver.advanceWallClockTime(MAX_WAIT);
        RolloutRecord r = (RolloutRecord) control.readValue().getPayload();
        assertThat(r.getAction()).isEqualTo(RolloutAction.ROLLBACK);
        assertThat(r.getReason()).startsWith("challenger worse");
        assertThat(control.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("with a share, exactly the frames the share picks by id are shadowed")
    void share() {
        start(RolloutSettings.defaults(), new NextClass(), 0.5);
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            send("f" + i, Emotion.HAPPY, null);
            if (ShadowShare.picks("f" + i, 0.5)) {
                picked.add("f" + i);
            }
        }
        driver.advanceWallClockTime(MAX_WAIT);
        assertThat(emotions.readValuesToList()).hasSize(60);
        assertThat(shadow.readValuesToList()).extracting(EmotionEvent::getFrameId).containsExactlyElementsOf(picked);
        assertThat(picked).hasSizeBetween(15, 45);
    }

    /** A challenger that fails on every batch. */
    private static final EmotionClassifier BROKEN = new EmotionClassifier() {
        @Override
        public String modelVersion() {
            return "broken";
        }

        @Override
        public List<EmotionPrediction> classify(List<FaceImage> faces) {
            throw new IllegalStateException("out of native memory");
        }
    };

    @Test
    @DisplayName("a challenger that fails leaves its frames unshadowed; the champion's events go out as always")
    void failingChallenger() {
        start(RolloutSettings.defaults(), BROKEN, 1.0);
        for (int i = 0; i < 6; i++) {
            send("f" + i, Emotion.HAPPY, dev.emostream.model.Emotion.HAPPY);
        }
        driver.advanceWallClockTime(MAX_WAIT);
        assertThat(emotions.readValuesToList()).hasSize(6);
        assertThat(shadow.isEmpty()).isTrue();
        assertThat(control.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("a challenger that never classifies a frame is still dropped at the rollout's time limit")
    void challengerThatNeverRunsTimesOut() {
        start(RolloutSettings.defaults(), BROKEN, 1.0);
        send("f0", Emotion.HAPPY, dev.emostream.model.Emotion.HAPPY);
        driver.advanceWallClockTime(MAX_WAIT);
        assertThat(control.isEmpty()).isTrue();
        driver.advanceWallClockTime(RolloutSettings.DEFAULT_MAX_DURATION);
        send("f1", Emotion.HAPPY, dev.emostream.model.Emotion.HAPPY); // a day late: a backlog's frame
        for (int check = 0; check < 30; check++) {
            driver.advanceWallClockTime(MAX_WAIT); // in steps: one long jump reads as a stall of the stream thread
        }
        assertThat(emotions.readValuesToList()).hasSize(2);
        RolloutRecord r = (RolloutRecord) control.readValue().getPayload();
        assertThat(r.getAction()).isEqualTo(RolloutAction.ROLLBACK);
        assertThat(r.getReason()).startsWith("no decision within the time limit");
        assertThat(control.isEmpty()).isTrue();
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
