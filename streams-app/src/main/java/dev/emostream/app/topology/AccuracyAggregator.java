package dev.emostream.app.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.emostream.schemas.AccuracySnapshot;

/**
 * Folds each batch's counts into running counts per (model version, scope) and emits a snapshot for every
 * update with labeled frames. The store is changelogged; under exactly-once its update, the snapshot and the input offset
 * commit together, so a crash neither loses nor double-counts a frame.
 */
final class AccuracyAggregator implements Processor<String, AccuracyUpdate, String, AccuracySnapshot> {

    private final String storeName;
    private ProcessorContext<String, AccuracySnapshot> context;
    private KeyValueStore<String, AccuracyCounts> store;

    AccuracyAggregator(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, AccuracySnapshot> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, AccuracyUpdate> record) {
        AccuracyUpdate u = record.value();
        AccuracyCounts before = store.get(record.key());
        if (before == null) {
            before = AccuracyCounts.empty(u.modelVersion(), u.scope());
        }
        AccuracyCounts after = before.plus(u);
        store.put(record.key(), after);
        if (u.labeled() > 0) {
            context.forward(record.withValue(after.toSnapshot(context.currentSystemTimeMs())));
        }
    }
}
