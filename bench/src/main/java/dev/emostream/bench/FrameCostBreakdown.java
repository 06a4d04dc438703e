package dev.emostream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Core time per frame by part of the pipeline, from a {@link CpuProfile} of an end-to-end run: each sample is
 * charged to the first part whose thread name matches and, for parts inside the stream thread, whose stack holds
 * one of the part's frames. The broker, the camera-side producer and the downstream reader share the JVM in the
 * bench; they are parts of their own so the app's share can be read apart from theirs.
 */
final class FrameCostBreakdown {

    /** A part: samples of threads named like {@code thread} whose stack has any of {@code frames} (none: all). */
    record Part(String name, Pattern thread, List<String> frames) {

        static Part of(String name, String threadRegex, String... frames) {
            return new Part(name, Pattern.compile(threadRegex), List.of(frames));
        }

        boolean takes(String threadName, String stack) {
            return thread.matcher(threadName).matches() && (frames.isEmpty() || frames.stream().anyMatch(stack::contains));
        }
    }

    /** One row: the part, its share of the process's CPU, and its core microseconds per frame. */
    record Row(String part, long samples, double cpuShare, double microsPerFrame) {
    }

    private static final String STORE_ACCESS = "org/apache/kafka/streams/processor/internals/AbstractReadWriteDecorator";
    private static final String STREAM_THREAD = "^\\[.*-StreamThread-\\d+ tid=\\d+\\]$";

    /** Ordered: the first match takes the sample. */
    static final List<Part> PARTS = List.of(
            Part.of("model: preprocessing and forward passes", "^\\[emostream-inference-.*"),
            Part.of("model: native memory release", "^\\[(DeallocatorServiceThread|JavaCPP Deallocator).*"),
            Part.of("stream: accuracy (scopes, repartition, aggregate, snapshots)", STREAM_THREAD,
                    "dev/emostream/app/topology/Accuracy"),
            Part.of("stream: frame buffer (store put/delete, changelog)", STREAM_THREAD,
                    "MicroBatchClassifier.process;" + STORE_ACCESS, "MicroBatchClassifier.forward;" + STORE_ACCESS),
            Part.of("stream: events (Avro encode, send)", STREAM_THREAD, "RecordCollectorImpl.send"),
            Part.of("stream: decode and validate", STREAM_THREAD, "dev/emostream/app/topology/FrameIntake"),
            Part.of("stream: commits (transactions, offsets, flush)", STREAM_THREAD, "TaskManager.commit",
                    "TaskExecutor.commit", "commitTransaction", "maybeCommit"),
            Part.of("stream: consumer poll and fetch", STREAM_THREAD, "Consumer.poll", "pollRequests",
                    "addRecordsToTasks"),
            Part.of("stream: batching and forwarding", STREAM_THREAD, "MicroBatchClassifier"),
            Part.of("stream: other", STREAM_THREAD),
            Part.of("app producer I/O (events, changelogs, repartition)",
                    "^\\[kafka-producer-network-thread \\| .*StreamThread.*"),
            Part.of("app consumer I/O", "^\\[(kafka-coordinator-heartbeat-thread|consumer_background_thread).*"),
            Part.of("camera side: replay producer (bench)", "^\\[(main|kafka-producer-network-thread \\| producer-).*"),
            Part.of("downstream: committed-events reader (bench)", "^\\[bench-committed-reader.*"),
            Part.of("JIT compiler", "^\\[C[12] CompilerThre.*"),
            Part.of("GC", "^\\[(GC Thread|G1 |VM Thread|Reference Handler|Sweeper).*"),
            Part.of("broker", "^\\[(data-plane|kafka-|executor-|group-coordinator|TxnMarker|AddPartitionsToTxn|"
                    + "ExpirationReaper|quorum-controller|broker-|raft|log-|LogDirFailure|share-|controller).*"),
            Part.of("other", ".*"));

    private FrameCostBreakdown() {
    }

    /** Rows in {@link #PARTS} order (parts without samples left out), then the total. */
    static List<Row> of(String collapsed, double cpuSeconds, long frames) {
        Map<Part, Long> samples = new LinkedHashMap<>();
        PARTS.forEach(p -> samples.put(p, 0L));
        long total = 0;
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            int semicolon = line.indexOf(';');
            if (space < 0) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            String thread = semicolon < 0 || semicolon > space ? line.substring(0, space) : line.substring(0, semicolon);
            String stack = line.substring(0, space);
            for (Part p : PARTS) {
                if (p.takes(thread, stack)) {
                    samples.merge(p, n, Long::sum);
                    break;
                }
            }
            total += n;
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Part, Long> e : samples.entrySet()) {
            if (e.getValue() > 0) {
                double share = e.getValue() / (double) total;
                rows.add(new Row(e.getKey().name(), e.getValue(), share, share * cpuSeconds * 1e6 / frames));
            }
        }
        rows.add(new Row("total", total, 1.0, cpuSeconds * 1e6 / frames));
        return rows;
    }

    static String table(List<Row> rows) {
        List<List<String>> t = new ArrayList<>();
        t.add(Results.row("part", "CPU %", "core us/frame"));
        for (Row r : rows) {
            t.add(Results.row(r.part(), String.format("%.1f", 100 * r.cpuShare()),
                    String.format("%.0f", r.microsPerFrame())));
        }
        return Results.table(t);
    }
}
