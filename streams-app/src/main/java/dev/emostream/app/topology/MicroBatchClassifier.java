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
import dev.emostream.app.model.Lineup;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ServingModel;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;

/**
 * Classifies valid frames in micro-batches on the app's inference threads: a batch is whatever waits when a thread is
 * free, so batches are small when the model keeps up and fill under load. This class keeps the frames, hands batches
 * to the threads and forwards their events; {@link BatchPolicy} decides when waiting frames go and how many, and
 * {@link CommitPolicy} when to ask Streams for a commit. An inference thread that finishes takes the next batch itself,
 * so the model does not wait for the stream thread (busy committing, polling); a batch that finds every thread busy
 * waits in the buffer, and only when the buffer is full does the stream thread stop reading (back-pressure).
 *
 * <p>Why a state store and not a list: frames whose input offsets are committed must not be lost if the process dies
 * before their batch is classified. Under exactly-once the buffer's changes commit with the input offsets and the
 * events, so after a crash the task resumes with exactly the frames buffered at the last commit. Events are forwarded
 * on the stream thread only, in the order the batches were taken (big-endian sequence keys: arrival order, so
 * per-key order), deleting their frames in the same transaction; frames in the model when the task closes stay in
 * the store for the task's next owner. The model is read once per batch: a swap takes effect on the next batch.
 * During a rollout the batch's {@link ShadowBatch} runs the challenger on its share of the frames after the champion,
 * and its events go out with the champion's. The reasoning and the measurements: docs/ARCHITECTURE.md,
 * "micro-batch-classifier" and "Model rollout".
 */
final class MicroBatchClassifier implements Processor<byte[], ValidFrame, byte[], Classified> {

    private final String storeName;
    private final BatchPolicy batches;
    private final CommitPolicy commits;
    private final ModelHolder models;
    private final AppMetrics metrics;
    private final Executor inference;
    private final InferenceSlots slots;
    private final InferencePace pace;
    private ProcessorContext<byte[], Classified> context;
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
    /** How late the newest frame arrived (wall clock minus its record timestamp). */
    private long latenessMs;
    /** Events were forwarded since the last commit this processor asked for. */
    private boolean uncommittedEvents;
    private long lastCommitRequestMs;

    /** A batch handed to the model and not yet forwarded; {@code shadow} null when no challenger shadows it. */
    private record InFlight(List<KeyValue<Long, BufferedFrame>> frames, List<FaceImage> faces, ServingModel model,
                            ShadowBatch shadow, CompletableFuture<Inference> result) {
    }

    /** What the worker hands back: the predictions, how long the model took, and when it finished. */
    private record Inference(List<EmotionPrediction> predictions, long nanos, long doneAtMs) {
    }

    MicroBatchClassifier(String storeName, TopologySettings settings, ModelHolder models, AppMetrics metrics,
                         Executor inference, InferenceSlots slots, InferencePace pace) {
        this.storeName = storeName;
        this.batches = new BatchPolicy(settings);
        this.commits = new CommitPolicy(settings);
        this.models = models;
        this.metrics = metrics;
        this.inference = inference;
        this.slots = slots;
        this.pace = pace;
    }

    @Override
    public void init(ProcessorContext<byte[], Classified> context) {
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
        uncommittedEvents = false;
        latenessMs = 0;
        lastCommitRequestMs = Long.MIN_VALUE / 2;
        context.schedule(batches.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    private void check(long nowMs) {
        if (batches.stalled(nowMs - lastCheckMs)) {
            oldestBufferedAtMs = nowMs;
            lastArrivalMs = nowMs;
        }
        lastCheckMs = nowMs;
        forwardDone();
        synchronized (lock) {
            int fullBatch = fullBatch();
            submitFullBatches(fullBatch);
            if (batches.dueAtCheck(waiting.size(), nowMs - oldestBufferedAtMs, nowMs - lastArrivalMs, behindBacklog,
                    slots.anyBusy(), fullBatch) && slots.tryAcquire(this)) {
                submit(fullBatch);
            }
        }
        forwardDone(); // a batch classified on the calling thread (a same-thread executor) goes out at once
        requestCommitIfDue(nowMs);
        commitDrainedBacklog(nowMs);
    }

    @Override
    public void process(Record<byte[], ValidFrame> record) {
        forwardDone();
        long nowMs = context.currentSystemTimeMs();
        lastArrivalMs = nowMs;
        latenessMs = nowMs - record.timestamp();
        behindBacklog = batches.behindBacklog(latenessMs);
        KeyValue<Long, BufferedFrame> frame = KeyValue.pair(nextSequence++,
                new BufferedFrame(record.key(), record.timestamp(), record.value()));
        buffer.put(frame.key, frame.value);
        synchronized (lock) {
            if (waiting.isEmpty()) {
                oldestBufferedAtMs = nowMs;
            }
            waiting.add(frame);
            submitFullBatches(fullBatch());
            if (waiting.size() >= batches.maxWaiting()) {
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

    /** Frames in a full batch now, from the model's measured pace. */
    private int fullBatch() {
        return batches.fullBatch(pace.nanosPerFace());
    }

    /** Under the lock: hands full batches to free inference threads. */
    private void submitFullBatches(int fullBatch) {
        while (waiting.size() >= fullBatch && slots.tryAcquire(this)) {
            submit(fullBatch);
        }
    }

    /**
     * Under the lock. Back-pressure: the buffer holds as many frames as it may while every inference thread is busy,
     * so the stream thread waits for the model to take a batch before it reads on (Kafka's consumer queues the rest).
     */
    private void awaitModel() {
        while (waiting.size() >= batches.maxWaiting()) {
            if (slots.tryAcquireOutOfTurn(this)) {
                submit(fullBatch());
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
     * Under the lock, holding a slot: hands the oldest waiting frames, at most a full batch, to an inference thread.
     * The thread takes the next batch itself when it is done (see {@link #classify}), so the model is not idle
     * while the stream thread is busy committing or polling.
     */
    private void submit(int fullBatch) {
        int size = Math.min(fullBatch, waiting.size());
        List<KeyValue<Long, BufferedFrame>> batch = new ArrayList<>(size);
        while (batch.size() < size) {
            batch.add(waiting.poll());
        }
        List<FaceImage> faces = new ArrayList<>(batch.size());
        for (KeyValue<Long, BufferedFrame> kv : batch) {
            faces.add(kv.value.frame().image());
        }
        Lineup lineup = models.lineup();
        InFlight next = new InFlight(batch, faces, lineup.champion(), ShadowBatch.of(lineup, batch),
                new CompletableFuture<>());
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
            long nanos = System.nanoTime() - start;
            // the pace counts the challenger's time too, so the latency target bounds the batch with its shadow work
            long shadowNanos = 0;
            if (batch.shadow() != null) {
                if (shadowNow(batch.shadow())) {
                    shadowNanos = batch.shadow().classify(batch.faces());
                } else {
                    batch.shadow().skip();
                }
            }
            pace.batchDone(batch.faces().size(), nanos + shadowNanos);
            batch.result().complete(new Inference(predictions, nanos, System.currentTimeMillis()));
        } catch (RuntimeException | Error e) {
            // the frames stay buffered; the stream thread fails when it comes to forward this batch
            batch.result().completeExceptionally(e);
            slots.release();
            return;
        }
        slots.release();
        synchronized (lock) {
            lock.notifyAll();
            int fullBatch = fullBatch();
            if (!closed && batches.dueAfterBatch(waiting.size(), behindBacklog, slots.anyBusy(), fullBatch)
                    && slots.tryAcquire(this)) {
                submit(fullBatch);
            }
        }
    }

    /**
     * On an inference thread after the champion's pass: whether the challenger takes the model now; one that does
     * not yield to waiting frames always does.
     */
    private boolean shadowNow(ShadowBatch shadow) {
        if (!shadow.yields()) {
            return true;
        }
        synchronized (lock) {
            return batches.shadowNow(waiting.size(), behindBacklog, fullBatch());
        }
    }

    /** Forwards the finished batches that no unfinished one was submitted before. */
    private void forwardDone() {
        boolean forwarded = false;
        while (true) {
            InFlight batch;
            synchronized (lock) {
                if (inFlight.isEmpty() || !inFlight.peek().result().isDone()) {
                    break;
                }
                batch = inFlight.poll();
            }
            forward(batch);
            forwarded = true;
        }
        if (forwarded) {
            uncommittedEvents = true;
            requestCommitIfDue(context.currentSystemTimeMs());
        }
    }

    /** Live events become visible when their transaction commits (the periodic checks ask for what the gap held back). */
    private void requestCommitIfDue(long nowMs) {
        if (commits.liveCommitDue(uncommittedEvents, latenessMs, nowMs - lastCommitRequestMs)) {
            requestCommit(nowMs);
        }
    }

    private void commitDrainedBacklog(long nowMs) {
        boolean framesLeft;
        synchronized (lock) {
            framesLeft = !waiting.isEmpty() || !inFlight.isEmpty();
        }
        if (commits.drainedBacklogCommitDue(uncommittedEvents, behindBacklog, nowMs - lastArrivalMs, framesLeft)) {
            requestCommit(nowMs);
        }
    }

    private void requestCommit(long nowMs) {
        context.commit();
        uncommittedEvents = false;
        lastCommitRequestMs = nowMs;
    }

    /** On the stream thread: the batch's events, and its frames out of the buffer, in the same transaction. */
    private void forward(InFlight batch) {
        Inference classified;
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
        BatchAccuracy accuracy = new BatchAccuracy();
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < batch.frames().size(); i++) {
            BufferedFrame b = batch.frames().get(i).value;
            EmotionEvent event = toEvent(b.frame(), predictions.get(i), batch.model().version(), classifiedAt);
            context.forward(new Record<>(b.key(), new Classified.Event(event), b.timestamp(), new RecordHeaders()));
            metrics.frameClassified(event, batch.faces().get(i));
            accuracy.add(batch.model().version(), b.frame().sourceId(), predictions.get(i).predicted(),
                    b.frame().trueLabel());
            newest = Math.max(newest, b.timestamp());
            buffer.delete(batch.frames().get(i).key);
        }
        if (batch.shadow() != null) {
            for (Record<byte[], Classified> shadowed : batch.shadow().records(batch.frames(), predictions, classifiedAt,
                    newest, accuracy, metrics)) {
                context.forward(shadowed);
            }
        }
        for (AccuracyUpdate update : accuracy.updates()) {
            context.forward(new Record<>(null, new Classified.Accuracy(update), newest, new RecordHeaders()));
        }
    }

    static EmotionEvent toEvent(ValidFrame f, EmotionPrediction p, String version, Instant classified) {
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
