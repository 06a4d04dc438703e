package dev.emostream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "scale-out": full-speed frames/s with 1, 2, 3... app instances (one application id, in this JVM) on one
 * partitioned topic, each count on a fresh broker. On one machine more instances only add overhead: the table says
 * what an instance costs, and frames/s per core is what docs/CAPACITY.md multiplies out for N machines.
 */
@Command(name = "scaleout", mixinStandardHelpOptions = true,
        description = "Full-speed frames/s end to end with 1, 2, 3 app instances (same application.id) on one "
                + "partitioned input topic.")
class ScaleOutCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--instances", split = ",", defaultValue = "1,2,3",
            description = "Instance counts to measure, in order (default: ${DEFAULT-VALUE}).")
    List<Integer> instanceCounts;

    @Option(names = "--partitions", defaultValue = "6", description = "Input and events partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--frames", defaultValue = "3000", description = "Frames in each measured phase (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup-frames", defaultValue = "600", description = "Frames per warm-up round (default: ${DEFAULT-VALUE}).")
    int warmupFrames;

    @Option(names = "--warmup-rounds", defaultValue = "20",
            description = "Most warm-up rounds at full speed before each measured phase; they stop once the JIT "
                    + "compiles less than --jit-quiet of a round's time (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--jit-quiet", defaultValue = "0.05",
            description = "JIT compile time per wall second below which the JVM counts as warm (default: ${DEFAULT-VALUE}).")
    double jitQuiet;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), 3589);
        int cores = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> results = new ArrayList<>();
        for (int n : instanceCounts) {
            EndToEndOptions options = EndToEndOptions.of(partitions, n, 10 * partitions, "scaleout");
            try (MemorySampler memory = new MemorySampler(1000);
                 EndToEndRun run = new EndToEndRun(options, file, faces, memory).start()) {
                // all counts share this JVM's JIT: without a warm JIT the count measured first reads slowest
                for (int round = 1; round <= warmupRounds; round++) {
                    EndToEndRun.Phase w = run.run("warmup" + n + "r" + round, warmupFrames, 0, null);
                    System.err.printf("scaleout: %d instance(s), warm-up %d: %.1f frames/s, JIT %.0f%%%n", n, round,
                            w.framesPerSecond(), 100 * w.jitCompileShare());
                    if (w.jitCompileShare() < jitQuiet) {
                        break;
                    }
                }
                EndToEndRun.Phase full = run.run("full" + n, frames, 0, null);
                Map<String, Object> s = EndToEndRun.summary(full, memory.of("full" + n));
                s.put("instances", n);
                s.put("framesPerSecondPerCore", full.framesPerSecond() / cores);
                s.put("order", results.size() + 1);
                results.add(s);
            }
        }

        System.out.printf("scale-out, %d partitions, %d sources, %d cores, model %s:%n", partitions, 10 * partitions,
                cores, file.getFileName());
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("order", "instances", "frames", "frames/s", "frames/s per core", "mean batch",
                "model busy %", "JIT %", "p50 ms", "p99 ms", "RSS MB max"));
        StringBuilder line = new StringBuilder("scaleout: partitions=" + partitions + " cores=" + cores);
        for (Map<String, Object> r : results) {
            rows.add(Results.row(r.get("order"), r.get("instances"), r.get("eventsSeen") + "/" + r.get("frames"),
                    r.get("framesPerSecond"), r.get("framesPerSecondPerCore"), r.get("meanBatchSize"),
                    100 * (double) r.getOrDefault("inferenceBusyShare", Double.NaN),
                    100 * (double) r.get("jitCompileShare"), r.get("latencyMsP50"), r.get("latencyMsP99"), r.get("rssMbMax")));
            line.append(String.format(" fps_%s=%.1f", r.get("instances"), (double) r.get("framesPerSecond")));
        }
        System.out.print(Results.table(rows));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", file.toString());
        body.put("partitions", partitions);
        body.put("cores", cores);
        body.put("runs", results);
        System.out.println("json: " + Results.write("scaleout-p" + partitions, body));
        System.out.println(line);
        return 0;
    }
}
