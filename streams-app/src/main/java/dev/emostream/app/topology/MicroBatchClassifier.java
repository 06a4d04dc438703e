package dev.emostream.app.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;

/**
 * Classifies valid frames in micro-batches: a batch is classified as soon as it is full; a partial batch as soon
 * as the input runs dry, or once its oldest frame has waited the max wait.
 *
 * <p>Why not simply flush on a max-wait punctuator: under load one batch's inference takes longer than the max
 * wait, so the punctuation that follows it would classify whatever few frames had been buffered since, and
 * batches would stay small exactly when throughput matters. The frame's wait is therefore counted from when it
 * entered the buffer (frames queued in the consumer during inference are not waiting on the batch), and a
 * short-period punctuator checks two things: has the oldest buffered frame waited the max wait, and has the
 * input gone quiet (no frame for the idle gap, {@code classifier.batch.idle.ms}: waiting longer only adds
 * latency). Under load frames keep arriving, so batches fill; when the app keeps up, a frame goes out as soon as
 * the input runs dry, so batches are as large as what queued during the previous inference and no larger (at
 * half load on 2 cores: 1-3 frames, the latency a frame pays is one short inference, not a batch's fill time).
 * Arrival times come from {@code currentSystemTimeMs()}, which Streams caches per processing round: frames
 * processed in the round right after a batch's inference carry the time from before it and would look
 * long-waited. So when the checks themselves were held up for more than twice the max wait (the thread was
 * classifying, not idle), the buffered frames' wait starts again at that check. The max wait and the short idle
 * gap only apply while the app keeps up (the newest frame arrived less than the max wait after its record
 * timestamp): behind a backlog an occasional poll comes back empty (a fetch round trip, a transaction commit)
 * without the input having run dry, cutting a batch short there saves no frame any waiting (they wait on the
 * queue, not on the batch) and costs throughput, and on a busy 2-core machine filling 32 frames, with a
 * transaction commit in between, can itself take longer than 50 ms (measured: mean batch 20-22 of 32 at full
 * speed without it). Behind a backlog the idle gap is twice the max wait, so the end of a replay of old frames
 * still goes out promptly.
 *
 * <p>Why a state store and not a list: frames whose input offsets are committed must not be lost if the
 * process dies before their batch is classified. The buffer is a changelogged store keyed by an increasing
 * sequence number; under exactly-once its changes commit in the same transaction as the input offsets and
 * the outputs, so after a crash the task resumes with exactly the frames that were buffered at the last commit
 * and re-reads everything after it. Keys are big-endian longs, which both the RocksDB and the in-memory store
 * iterate in numeric order, so batches keep arrival order (and with it per-key order within the task).
 *
 * <p>The model is read from the holder once per batch: a swap takes effect on the next batch, and every event
 * names the version that produced it.
 */
final class MicroBatchClassifier implements Processor<byte[], ValidFrame, byte[], EmotionEvent> {

    private final String storeName;
    private final int batchSize;
    private final Duration maxWait;
    private final Duration idleGap;
    private final ModelHolder models;
    private final AppMetrics metrics;
    private ProcessorContext<byte[], EmotionEvent> context;
    private KeyValueStore<Long, BufferedFrame> buffer;
    private long nextSequence;
    private int buffered;
    /** Wall-clock time the oldest buffered frame entered the buffer. */
    private long oldestBufferedAtMs;
    private long lastArrivalMs;
    private long lastCheckMs;
    /** Record timestamp of the newest buffered frame, to tell keeping up from working off a backlog. */
    private long newestRecordTimestamp;

    MicroBatchClassifier(String storeName, int batchSize, Duration maxWait, Duration idleGap, ModelHolder models,
                         AppMetrics metrics) {
        this.storeName = storeName;
        this.batchSize = batchSize;
        this.maxWait = maxWait;
        this.idleGap = idleGap.compareTo(maxWait) < 0 ? idleGap : maxWait;
        this.models = models;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], EmotionEvent> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        // init runs after the store is restored: frames left from before a restart are still to be classified
        nextSequence = 0;
        buffered = 0;
        try (KeyValueIterator<Long, BufferedFrame> it = buffer.all()) {
            while (it.hasNext()) {
                nextSequence = Math.max(nextSequence, it.next().key + 1);
                buffered++;
            }
        }
        oldestBufferedAtMs = context.currentSystemTimeMs();
        lastArrivalMs = oldestBufferedAtMs;
        lastCheckMs = oldestBufferedAtMs;
        context.schedule(checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    /** Often enough that an idle input is noticed within a few ms; never less often than the idle gap. */
    private Duration checkInterval() {
        Duration fewMs = Duration.ofMillis(5);
        return idleGap.compareTo(fewMs) < 0 ? idleGap : fewMs;
    }

    private void check(long nowMs) {
        if (nowMs - lastCheckMs > 2 * maxWait.toMillis()) {
            oldestBufferedAtMs = nowMs;
            lastArrivalMs = nowMs;
        }
        lastCheckMs = nowMs;
        if (buffered == 0) {
            return;
        }
        boolean keepingUp = lastArrivalMs - newestRecordTimestamp < maxWait.toMillis();
        boolean idle = nowMs - lastArrivalMs >= (keepingUp ? idleGap.toMillis() : 2 * maxWait.toMillis());
        if (idle || (keepingUp && nowMs - oldestBufferedAtMs >= maxWait.toMillis())) {
            flush();
        }
    }

    @Override
    public void process(Record<byte[], ValidFrame> record) {
        if (buffered == 0) {
            oldestBufferedAtMs = context.currentSystemTimeMs();
        }
        lastArrivalMs = context.currentSystemTimeMs();
        newestRecordTimestamp = record.timestamp();
        buffer.put(nextSequence++, new BufferedFrame(record.key(), record.timestamp(), record.value()));
        buffered++;
        if (buffered >= batchSize) {
            flush();
        }
    }

    private void flush() {
        if (buffered == 0) {
            return;
        }
        // read everything first: deleting while a store iterator is open is not safe for every store type
        List<KeyValue<Long, BufferedFrame>> all = new ArrayList<>(buffered);
        try (KeyValueIterator<Long, BufferedFrame> it = buffer.all()) {
            it.forEachRemaining(all::add);
        }
        for (int from = 0; from < all.size(); from += batchSize) {
            classify(all.subList(from, Math.min(all.size(), from + batchSize)));
        }
        buffered = 0;
    }

    private void classify(List<KeyValue<Long, BufferedFrame>> batch) {
        ServingModel model = models.current();
        List<FaceImage> faces = new ArrayList<>(batch.size());
        for (KeyValue<Long, BufferedFrame> kv : batch) {
            faces.add(kv.value.frame().image());
        }
        long start = System.nanoTime();
        List<EmotionPrediction> predictions = model.classifier().classify(faces);
        metrics.batchClassified(batch.size(), Duration.ofNanos(System.nanoTime() - start));
        if (predictions.size() != faces.size()) {
            throw new IllegalStateException("model " + model.version() + " returned " + predictions.size()
                    + " predictions for " + faces.size() + " faces");
        }
        // the real clock, not Streams' per-round cached time, which predates the inference just done
        Instant classified = Instant.ofEpochMilli(System.currentTimeMillis());
        for (int i = 0; i < batch.size(); i++) {
            BufferedFrame b = batch.get(i).value;
            EmotionEvent event = toEvent(b.frame(), predictions.get(i), model.version(), classified);
            context.forward(new Record<>(b.key(), event, b.timestamp(), new RecordHeaders()));
            metrics.frameClassified(event, faces.get(i));
            buffer.delete(batch.get(i).key);
        }
    }

    private static EmotionEvent toEvent(ValidFrame f, EmotionPrediction p, String version, Instant classified) {
        List<Float> scores = new ArrayList<>(p.scores().length);
        for (float s : p.scores()) {
            scores.add(s);
        }
        return EmotionEvent.newBuilder()
                .setFrameId(f.frameId())
                .setSourceId(f.sourceId())
                .setCaptureTime(Instant.ofEpochMilli(f.captureTimeMs()))
                .setClassifiedTime(classified)
                .setPredicted(Emotion.values()[p.predicted().code()])
                .setConfidence(p.confidence())
                .setScores(scores)
                .setModelVersion(version)
                .setTrueLabel(f.trueLabel() == null ? null : Emotion.values()[f.trueLabel().code()])
                .build();
    }
}
