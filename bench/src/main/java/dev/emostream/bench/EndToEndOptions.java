package dev.emostream.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** The knobs of an end-to-end run: load, growth dimensions, and the app settings being compared. */
final class EndToEndOptions {

    @Option(names = "--frames", defaultValue = "30000",
            description = "Frames in the full-speed phase: a backlog of some 30 s, long enough for a steady state (the "
                    + "JIT still compiles for the first seconds of a new phase), which the loads are fractions of "
                    + "(default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup-frames", defaultValue = "3000",
            description = "Frames per warm-up round, sent at full speed and awaited before measuring: JIT, ND4J, first "
                    + "transactions (default: ${DEFAULT-VALUE}).")
    int warmupFrames;

    @Option(names = "--warmup-rounds", defaultValue = "30",
            description = "Most warm-up rounds, at full speed and again at the steady phase's rate: they repeat until "
                    + "the JIT compiles less than --jit-quiet of a round's time (--jit-quiet-rounds in a row at full "
                    + "speed) (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--jit-quiet", defaultValue = "0.05",
            description = "JIT compile time per wall second below which the JVM counts as warm (default: ${DEFAULT-VALUE}).")
    double jitQuiet;

    @Option(names = "--jit-quiet-rounds", defaultValue = "3",
            description = "Full-speed warm-up rounds in a row that must be JIT-quiet before the measured phase: one "
                    + "round's share swings 2-30%% while the JIT works off its tail (default: ${DEFAULT-VALUE}).")
    int jitQuietRounds;

    @Option(names = "--loads", split = ",", defaultValue = "0.1,0.25,0.5,0.8,0.95",
            description = "Fractions of the measured full speed, each a steady phase of --load-seconds, in this order "
                    + "(default: ${DEFAULT-VALUE}; 0 alone skips them).")
    double[] loads;

    @Option(names = "--load-seconds", defaultValue = "20",
            description = "Length of each steady phase, enough events for a p99 at 10%% load (default: ${DEFAULT-VALUE}).")
    double loadSeconds;

    @Option(names = "--load-warmup-seconds", defaultValue = "4",
            description = "Warm-up rounds before each steady phase, at its rate, this long each (default: ${DEFAULT-VALUE}).")
    double loadWarmupSeconds;

    @Option(names = "--load-warmup-rounds", defaultValue = "3",
            description = "Most warm-up rounds per steady phase: they repeat until the JIT is quiet (default: ${DEFAULT-VALUE}).")
    int loadWarmupRounds;

    /** The producer's own linger: cameras batch their sends that long anyway. */
    static final long DEFAULT_SEND_TICK_MS = 5;

    @Option(names = "--send-tick-ms", defaultValue = "" + DEFAULT_SEND_TICK_MS,
            description = "At a load level the camera side wakes this often and sends every frame due by then (0: a "
                    + "wake-up per frame); a frame's capture time is when it was due, so a late send counts against "
                    + "latency (default: ${DEFAULT-VALUE}, the producer's own linger).")
    long sendTickMs;

    @Option(names = "--sources", defaultValue = "100",
            description = "Distinct source ids (record keys, and per-source accuracy scopes) (default: ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the input and events topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--instances", defaultValue = "1",
            description = "App instances in this JVM with the same application.id (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--batch-size", defaultValue = "-1", description = "classifier.batch.size (default: the app's).")
    int batchSize;

    @Option(names = "--max-wait-ms", defaultValue = "-1", description = "classifier.batch.max.wait.ms (default: the app's).")
    long maxWaitMs;

    @Option(names = "--stream-threads", defaultValue = "-1", description = "num.stream.threads per instance (default: the app's).")
    int streamThreads;

    @Option(names = "--commit-interval-ms", defaultValue = "-1", description = "commit.interval.ms (default: the app's).")
    long commitIntervalMs;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Any other app, Streams or client property, e.g. producer.compression.type=lz4 (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--broker-property", paramLabel = "KEY=VALUE",
            description = "A setting of the in-process broker, e.g. num.io.threads=2 (repeatable).")
    Map<String, String> brokerProperties = new LinkedHashMap<>();

    @Option(names = "--soak-minutes", defaultValue = "0",
            description = "After the measured phases, run at --soak-load of full speed this long (default: ${DEFAULT-VALUE}: none).")
    double soakMinutes;

    @Option(names = "--soak-load", defaultValue = "0.8", description = "Fraction of full speed in the soak (default: ${DEFAULT-VALUE}).")
    double soakLoad;

    @Option(names = "--soak-sample-s", defaultValue = "10", description = "Soak table: one memory sample every N s (default: ${DEFAULT-VALUE}).")
    int soakSampleSeconds;

    @Option(names = "--profile",
            description = "Sample every thread's CPU during the full-speed phase (async-profiler) and print core time per "
                    + "frame by part of the pipeline; the stacks go next to the JSON (*.collapsed).")
    boolean profile;

    @Option(names = "--profile-load", paramLabel = "FRACTION", defaultValue = "0",
            description = "Sample the same way during the steady phase at this load (one of --loads), where a live "
                    + "stream's batches and commits run, not a backlog's; the stacks go next to the JSON too.")
    double profileLoad;

    @Option(names = "--label", defaultValue = "", description = "Free text naming this setup; part of the JSON name.")
    String label;

    /** A setup built in code (scale-out, failover), with the app's own batching and commit settings. */
    static EndToEndOptions of(int partitions, int instances, int sources, String label) {
        EndToEndOptions o = new EndToEndOptions();
        o.partitions = partitions;
        o.instances = instances;
        o.sources = sources;
        o.sendTickMs = DEFAULT_SEND_TICK_MS;
        o.batchSize = -1;
        o.maxWaitMs = -1;
        o.streamThreads = -1;
        o.commitIntervalMs = -1;
        o.label = label;
        return o;
    }

    String describe() {
        return "sources=" + sources + " partitions=" + partitions + " instances=" + instances
                + (sendTickMs != DEFAULT_SEND_TICK_MS ? " sendTickMs=" + sendTickMs : "")
                + (batchSize > 0 ? " batch=" + batchSize : "") + (maxWaitMs >= 0 ? " maxWaitMs=" + maxWaitMs : "")
                + (streamThreads > 0 ? " threads=" + streamThreads : "")
                + (commitIntervalMs >= 0 ? " commitMs=" + commitIntervalMs : "")
                + (properties.isEmpty() ? "" : " " + properties)
                + (brokerProperties.isEmpty() ? "" : " broker " + brokerProperties);
    }

    String fileName() {
        return "e2e-s" + sources + "-p" + partitions + "-i" + instances + (label.isBlank() ? "" : "-" + label.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
