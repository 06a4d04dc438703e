package dev.emostream.app.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.apache.kafka.common.errors.InterruptException;
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
 * Classifies valid frames in micro-batches: a batch goes to the model as soon as it is full; a partial batch as
 * soon as the input runs dry, or once its oldest frame has waited the max wait, if a model worker is free.
 *
 * <p>Why not simply flush on a max-wait punctuator: under load one batch's inference takes longer than the max
 * wait, so the punctuation that follows it would classify whatever few frames had been buffered since, and
 * batches would stay small exactly when throughput matters. The frame's wait is therefore counted from when it
 * entered the buffer (frames queued in the consumer during inference are not waiting on the batch), and a
 * short-period punctuator checks two things: has the oldest buffered frame waited the max wait, and has the
 * input gone quiet (no frame for the idle gap, {@code classifier.batch.idle.ms}: waiting longer only adds
 * latency). Under load frames keep arriving, so batches fill; when the app keeps up, a frame goes out as soon as
 * the input runs dry and the model is free, so batches are as large as what arrived during the previous inference
 * and no larger (at half load on 2 cores: 1-2 frames, the latency a frame pays is one short inference, not a
 * batch's fill time). Arrival times come from {@code currentSystemTimeMs()}, which Streams caches per processing
 * round: frames processed in the round right after the thread was held up (waiting for a batch in flight, a
 * commit) carry the time from before it and would look long-waited. So when the checks themselves were held up
 * for more than twice the max wait, the buffered frames' wait starts again at that check. The max wait and the idle
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
 * <p>Why inference runs on other threads ({@code inference}, the app's pool of one thread per core): while
 * batches are in the model the stream thread goes on polling, buffering the next batch and committing
 * transactions, so the model waits neither for a commit nor for a fetch (on the stream thread those came between
 * batches: at half load a commit after nearly every small batch). Up to {@code maxInFlight} batches of a task are in
 * the model at once, each on its own network and core: one batch per core beats one batch spread over all cores
 * (NativeThreads), most of all for the small batches of a stream that keeps up. A partial batch goes out when a
 * worker is free; a full batch that finds them all busy blocks the stream thread until the oldest is done, so a
 * task holds at most {@code maxInFlight + 1} batches in memory and Kafka's consumer does the queueing beyond that.
 * Results are forwarded on the stream thread only, in the order the batches were submitted (from {@code process}
 * or the wall-clock check, a few ms after the worker finishes), deleting the frames from the buffer in the same
 * transaction as their events; frames in flight when the task closes stay in the store and are classified again
 * by whoever gets the task next, so nothing is lost or emitted twice. With a same-thread executor
 * ({@code Runnable::run}, as in the topology tests) a batch completes inside the call that submits it and is
 * forwarded at once.
 *
 * <p>The model is read from the holder once per batch: a swap takes effect on the next batch, and every event
 * names the version that produced it.
 */
final class MicroBatchClassifier implements Processor<byte[], ValidFrame, byte[], EmotionEvent> {

    private final String storeName;
    private final int batchSize;
    private final Duration maxWait;
    private final Duration idleGap;
    private final long backlogLagMs;
    private final ModelHolder models;
    private final AppMetrics metrics;
    private final Executor inference;
    private final InferenceSlots slots;
    /** Waiting frames at which the stream thread stops reading until the model takes a batch (back-pressure). */
    private final int maxWaiting;
    private ProcessorContext<byte[], EmotionEvent> context;
    private KeyValueStore<Long, BufferedFrame> buffer;
    /** Guards {@link #waiting}, {@link #inFlight} and {@link #closed}: inference threads take batches too. */
    private final Object lock = new Object();
    /** Buffered frames not yet handed to the model, oldest first (the store holds these and the batches in flight). */
    private final ArrayDeque<KeyValue<Long, BufferedFrame>> waiting = new ArrayDeque<>();
    /** Batches handed to the model and not yet forwarded, oldest first: forwarded in this order. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private boolean closed;
    /** Set by the stream thread from each frame's lateness; read by inference threads choosing their next batch. */
    private volatile boolean behindBacklog;
    private long nextSequence;
    /** Wall-clock time the oldest waiting frame entered the buffer. */
    private long oldestBufferedAtMs;
    private long lastArrivalMs;
    private long lastCheckMs;

    /** A batch handed to the model and not yet forwarded. */
    private record InFlight(List<KeyValue<Long, BufferedFrame>> frames, List<FaceImage> faces, ServingModel model,
                            CompletableFuture<Classified> result) {
    }

    /** What the worker hands back: the predictions, how long the model took, and when it finished. */
    private record Classified(List<EmotionPrediction> predictions, long nanos, long doneAtMs) {
    }

    MicroBatchClassifier(String storeName, TopologySettings settings, ModelHolder models, AppMetrics metrics,
                         Executor inference, InferenceSlots slots) {
        this.storeName = storeName;
        this.batchSize = settings.batchSize();
        this.maxWait = settings.batchMaxWait();
        this.idleGap = settings.batchIdleGap().compareTo(maxWait) < 0 ? settings.batchIdleGap() : maxWait;
        this.backlogLagMs = settings.batchBacklogLag().toMillis();
        this.models = models;
        this.metrics = metrics;
        this.inference = inference;
        this.slots = slots;
        this.maxWaiting = settings.batchesWaiting() * batchSize;
    }

    @Override
    public void init(ProcessorContext<byte[], EmotionEvent> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        // init runs after the store is restored: frames left from before a restart are still to be classified
        nextSequence = 0;
        synchronized (lock) {
            closed = false;
            waiting.clear();
            inFlight.clear();
            try (KeyValueIterator<Long, BufferedFrame> it = buffer.all()) {
                while (it.hasNext()) {
                    KeyValue<Long, BufferedFrame> kv = it.next();
                    nextSequence = Math.max(nextSequence, kv.key + 1);
                    waiting.add(kv);
                }
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
        forwardDone();
        synchronized (lock) {
            submitFullBatches();
            boolean idle = nowMs - lastArrivalMs >= (behindBacklog ? 2 * maxWait.toMillis() : idleGap.toMillis());
            if (!waiting.isEmpty() && (idle || (!behindBacklog && nowMs - oldestBufferedAtMs >= maxWait.toMillis()))
                    && slots.tryAcquire(this)) {
                submit();
            }
        }
        forwardDone(); // a batch classified on the calling thread (a same-thread executor) goes out at once
    }

    @Override
    public void process(Record<byte[], ValidFrame> record) {
        forwardDone();
        long nowMs = context.currentSystemTimeMs();
        lastArrivalMs = nowMs;
        behindBacklog = nowMs - record.timestamp() >= backlogLagMs;
        KeyValue<Long, BufferedFrame> frame = KeyValue.pair(nextSequence++,
                new BufferedFrame(record.key(), record.timestamp(), record.value()));
        buffer.put(frame.key, frame.value);
        synchronized (lock) {
            if (waiting.isEmpty()) {
                oldestBufferedAtMs = nowMs;
            }
            waiting.add(frame);
            submitFullBatches();
            if (waiting.size() >= maxWaiting) {
                awaitModel();
            }
        }
        forwardDone();
    }

    @Override
    public void close() {
        synchronized (lock) {
            // the frames of batches still in the model stay in the store: whoever runs this task next classifies them
            closed = true;
            inFlight.clear();
            waiting.clear();
        }
        slots.leave(this);
    }

    /** Under the lock: hands full batches to free inference threads. */
    private void submitFullBatches() {
        while (waiting.size() >= batchSize && slots.tryAcquire(this)) {
            submit();
        }
    }

    /**
     * Under the lock. Back-pressure: the buffer holds as many frames as it may while every inference thread is busy,
     * so the stream thread waits for the model to take a batch before it reads on (Kafka's consumer queues the rest).
     */
    private void awaitModel() {
        while (waiting.size() >= maxWaiting) {
            if (slots.tryAcquireOutOfTurn(this)) {
                submit();
            } else {
                try {
                    lock.wait(5); // an inference thread of this task wakes it when it takes a batch or finishes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                }
            }
        }
    }

    /**
     * Under the lock, holding a slot: hands the oldest waiting frames, at most one batch, to an inference thread.
     * The thread takes the next batch itself when it is done (see {@link #classify}), so the model is not idle
     * while the stream thread is busy committing or polling.
     */
    private void submit() {
        List<KeyValue<Long, BufferedFrame>> batch = new ArrayList<>(Math.min(batchSize, waiting.size()));
        while (batch.size() < batchSize && !waiting.isEmpty()) {
            batch.add(waiting.poll());
        }
        List<FaceImage> faces = new ArrayList<>(batch.size());
        for (KeyValue<Long, BufferedFrame> kv : batch) {
            faces.add(kv.value.frame().image());
        }
        InFlight next = new InFlight(batch, faces, models.current(), new CompletableFuture<>());
        inFlight.add(next);
        try {
            inference.execute(() -> classify(next));
        } catch (RuntimeException e) {
            // not accepted (the pool is shut down): the frames stay buffered and the task fails
            slots.release();
            next.result().completeExceptionally(e);
        }
    }

    /** On an inference thread: runs one batch, frees its slot, and takes the next batch if one is due. */
    private void classify(InFlight batch) {
        try {
            long start = System.nanoTime();
            List<EmotionPrediction> predictions = batch.model().classify(batch.faces());
            batch.result().complete(new Classified(predictions, System.nanoTime() - start, System.currentTimeMillis()));
        } catch (RuntimeException | Error e) {
            // the frames stay buffered; the stream thread fails when it comes to forward this batch
            batch.result().completeExceptionally(e);
            slots.release();
            return;
        }
        slots.release();
        synchronized (lock) {
            lock.notifyAll();
            // greedy: what arrived while this batch was in the model goes next, as a batch; behind a backlog only a
            // full one (the stream thread's checks send a partial batch when the input runs dry)
            boolean due = behindBacklog ? waiting.size() >= batchSize : !waiting.isEmpty();
            if (!closed && due && slots.tryAcquire(this)) {
                submit();
            }
        }
    }

    /** Forwards the finished batches that no unfinished one was submitted before. */
    private void forwardDone() {
        while (true) {
            InFlight batch;
            synchronized (lock) {
                if (inFlight.isEmpty() || !inFlight.peek().result().isDone()) {
                    return;
                }
                batch = inFlight.poll();
            }
            forward(batch);
        }
    }

    /** On the stream thread: the batch's events, and its frames out of the buffer, in the same transaction. */
    private void forward(InFlight batch) {
        Classified classified;
        try {
            classified = batch.result().join();
        } catch (CompletionException e) {
            // the model failed: the frames stay buffered, the thread fails and its replacement tries again
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<EmotionPrediction> predictions = classified.predictions();
        if (predictions.size() != batch.faces().size()) {
            throw new IllegalStateException("model " + batch.model().version() + " returned " + predictions.size()
                    + " predictions for " + batch.faces().size() + " faces");
        }
        metrics.batchClassified(batch.faces().size(), Duration.ofNanos(classified.nanos()));
        Instant classifiedAt = Instant.ofEpochMilli(classified.doneAtMs());
        for (int i = 0; i < batch.frames().size(); i++) {
            BufferedFrame b = batch.frames().get(i).value;
            EmotionEvent event = toEvent(b.frame(), predictions.get(i), batch.model().version(), classifiedAt);
            context.forward(new Record<>(b.key(), event, b.timestamp(), new RecordHeaders()));
            metrics.frameClassified(event, batch.faces().get(i));
            buffer.delete(batch.frames().get(i).key);
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
