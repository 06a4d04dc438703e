package dev.emostream.app.topology;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.rollout.RolloutRule;
import dev.emostream.app.rollout.RolloutSettings;
import dev.emostream.model.image.ImageLimits;
import dev.emostream.schemas.AccuracySnapshot;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerde;

/**
 * The application as a function of its collaborators:
 *
 * <pre>
 * faces.* (bytes) -> intake: decode + validate --rejected--> rejected-faces (original bytes + reason headers)
 *                                 |
 *                               valid -> micro-batch classifier [frame-buffer] -> events -> emotions
 *                                                                   |
 *                        per batch and (version, scope), repartitioned -> accuracy aggregator [accuracy-store]
 *                                                                   -> emotion-accuracy
 * </pre>
 *
 * In topic mode ({@link RolloutSettings}) the classifier also forwards a challenger's events to the shadow topic, and
 * each batch's paired counts, repartitioned by rollout, to the rollout judge [rollout-store], whose decisions go to the
 * control topic. Every input record ends in exactly one of {@code emotions} and {@code rejected-faces}. See
 * docs/ARCHITECTURE.md for the guarantees.
 */
public final class EmotionTopology {

    public static final String FRAME_BUFFER_STORE = "frame-buffer";
    public static final String ACCURACY_STORE = "accuracy-store";
    /** Name of the repartition topic (prefixed by the application id, suffixed by -repartition). */
    public static final String ACCURACY_REPARTITION = "accuracy-by-scope";
    public static final String ROLLOUT_STORE = "rollout-store";
    /** Name of the repartition topic of the paired counts, keyed by rollout id. */
    public static final String ROLLOUT_REPARTITION = "rollout-comparison";

    private EmotionTopology() {
    }

    /**
     * @param models   the model serving now; read once per batch, so a swap takes effect on the next batch
     * @param registry the schema registry the FaceFrame, EmotionEvent and AccuracySnapshot serdes use
     * @param metrics  where the app's own meters go
     * @param inference where batches run through the model (the app: {@code batchesInFlight} threads, at most that
     *                  many batches at once over all tasks), so the
     *                  stream thread goes on polling and committing meanwhile; {@code Runnable::run} classifies on
     *                  the stream thread (the topology tests)
     */
    public static Topology build(TopologySettings settings, ModelHolder models, SchemaRegistryClient registry,
                                 AppMetrics metrics, Executor inference) {
        return build(settings, models, registry, Map.of(), metrics, inference);
    }

    /**
     * @param serdeConfig the app's properties: every Avro serde the topology makes is configured with them, so
     *                    Confluent's serde keys ({@code auto.register.schemas}, {@code value.subject.name.strategy},
     *                    {@code use.latest.version}, ...) apply to the app as to any serde; {@code registry} is used
     *                    as given. The image limits ({@code image.max.*}) are read from them too
     */
    public static Topology build(TopologySettings settings, ModelHolder models, SchemaRegistryClient registry,
                                 Map<String, ?> serdeConfig, AppMetrics metrics, Executor inference) {
        return build(settings, null, models, registry, serdeConfig, metrics, inference);
    }

    /**
     * @param rollout topic mode: the shadow topic, the rollout judge and its control topic; null for folder mode,
     *                whose topology has none of them
     */
    public static Topology build(TopologySettings settings, RolloutSettings rollout, ModelHolder models,
                                 SchemaRegistryClient registry, Map<String, ?> serdeConfig, AppMetrics metrics,
                                 Executor inference) {
        if (rollout != null) {
            for (String out : new String[]{rollout.shadowTopic(), rollout.controlTopic()}) {
                if (settings.inputPattern().matcher(out).matches()) {
                    throw new IllegalArgumentException("output topic '" + out + "' matches the input pattern '"
                            + settings.inputPattern().pattern() + "'");
                }
            }
        }
        Serde<EmotionEvent> eventSerde = valueSerde(EmotionEvent.class, registry, serdeConfig);
        Serde<AccuracySnapshot> snapshotSerde = valueSerde(AccuracySnapshot.class, registry, serdeConfig);
        ImageLimits imageLimits = FaceFrameValidator.limits(settings, serdeConfig);

        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], Intake> intake = builder
                .stream(settings.inputPattern(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("faces"))
                .process(() -> new FrameIntake(registry, serdeConfig, new FaceFrameValidator(imageLimits), metrics),
                        Named.as("decode-and-validate"));

        Map<String, KStream<byte[], Intake>> branches = intake.split(Named.as("intake-"))
                .branch((key, value) -> value instanceof Intake.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("valid"));

        branches.get("intake-rejected")
                .mapValues(value -> ((Intake.Rejected) value).original(), Named.as("original-bytes"))
                .to(settings.rejectedTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("dead-letters"));

        BranchedKStream<byte[], Classified> split = branches.get("intake-valid")
                .mapValues(value -> ((Intake.Valid) value).frame(), Named.as("valid-frame"))
                .process(classifier(settings, models, metrics, inference), Named.as("micro-batch-classifier"))
                .split(Named.as("classified-"))
                .branch((key, value) -> value instanceof Classified.Event, Branched.as("events"));
        if (rollout != null) {
            split = split.branch((key, value) -> value instanceof Classified.Shadow, Branched.as("shadow"))
                    .branch((key, value) -> value instanceof Classified.Comparison, Branched.as("comparisons"));
        }
        Map<String, KStream<byte[], Classified>> classified = split.defaultBranch(Branched.as("accuracy"));

        classified.get("classified-events")
                .mapValues(value -> ((Classified.Event) value).event(), Named.as("event"))
                .to(settings.emotionsTopic(), Produced.with(Serdes.ByteArray(), eventSerde).withName("emotion-events"));

        // Counts per (version, scope) must meet in one task whatever partition the frame came from: repartition,
        // one update per scope and batch.
        classified.get("classified-accuracy")
                .map((key, value) -> {
                    AccuracyUpdate update = ((Classified.Accuracy) value).update();
                    return KeyValue.pair(AccuracyKey.of(update.modelVersion(), update.scope()), update);
                }, Named.as("accuracy-by-key"))
                .repartition(Repartitioned.with(Serdes.String(), AccuracyUpdate.SERDE).withName(ACCURACY_REPARTITION))
                .process(aggregator(), Named.as("accuracy-aggregator"))
                .to(settings.accuracyTopic(), Produced.with(Serdes.String(), snapshotSerde).withName("accuracy-snapshots"));

        if (rollout != null) {
            classified.get("classified-shadow")
                    .mapValues(value -> ((Classified.Shadow) value).event(), Named.as("shadow-event"))
                    .to(rollout.shadowTopic(), Produced.with(Serdes.ByteArray(), eventSerde).withName("shadow-events"));
            // every instance's batches of one rollout meet in one task, which alone decides (RolloutJudge)
            classified.get("classified-comparisons")
                    .map((key, value) -> {
                        PairedCounts counts = ((Classified.Comparison) value).counts();
                        return KeyValue.pair(counts.rolloutId(), counts);
                    }, Named.as("comparison-by-rollout"))
                    .repartition(Repartitioned.with(Serdes.String(), PairedCounts.SERDE).withName(ROLLOUT_REPARTITION))
                    .process(judge(rollout.rule()), Named.as("rollout-judge"))
                    .to(rollout.controlTopic(), Produced.with(Serdes.String(),
                            valueSerde(ModelControl.class, registry, serdeConfig)).withName("rollout-decisions"));
        }
        return builder.build();
    }

    private static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, SchemaRegistryClient registry,
                                                                  Map<String, ?> serdeConfig) {
        AvroSerde<T> serde = AvroSerde.forValues(type, registry);
        serde.configure(serdeConfig, false);
        return serde;
    }

    private static ProcessorSupplier<byte[], ValidFrame, byte[], Classified> classifier(
            TopologySettings settings, ModelHolder models, AppMetrics metrics, Executor inference) {
        // one set of slots and one measure of the model's pace for every task: the inference threads serve them all
        InferenceSlots slots = new InferenceSlots(settings.batchesInFlight());
        InferencePace pace = new InferencePace();
        return new ProcessorSupplier<>() {
            @Override
            public MicroBatchClassifier get() {
                return new MicroBatchClassifier(FRAME_BUFFER_STORE, settings, models, metrics, inference, slots, pace);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // cached: a frame put and deleted between two commits never reaches RocksDB, and its changelog
                // gets only the tombstone; a commit flushes the cache first, so what is buffered then is durable
                StoreBuilder<KeyValueStore<Long, BufferedFrame>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(FRAME_BUFFER_STORE), Serdes.Long(), BufferedFrame.SERDE)
                        .withCachingEnabled();
                return Set.of(store);
            }
        };
    }

    private static ProcessorSupplier<String, PairedCounts, String, ModelControl> judge(RolloutRule rule) {
        return new ProcessorSupplier<>() {
            @Override
            public RolloutJudge get() {
                return new RolloutJudge(ROLLOUT_STORE, rule);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                StoreBuilder<KeyValueStore<String, PairedCounts>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ROLLOUT_STORE), Serdes.String(), PairedCounts.SERDE);
                return Set.of(store);
            }
        };
    }

    private static ProcessorSupplier<String, AccuracyUpdate, String, AccuracySnapshot> aggregator() {
        return new ProcessorSupplier<>() {
            @Override
            public AccuracyAggregator get() {
                return new AccuracyAggregator(ACCURACY_STORE);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                StoreBuilder<KeyValueStore<String, AccuracyCounts>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ACCURACY_STORE), Serdes.String(), AccuracyCounts.SERDE);
                return Set.of(store);
            }
        };
    }
}
