package dev.emostream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.app.config.AppConfig;
import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figures "end to end", "ratio", "latency across the load range", "growth" and "soak": raw inference at the app's
 * batch size, then the running app at full speed and at steady fractions of that speed, in one process, ending with
 * the {@code bench:} and {@code load:} lines.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "End to end through the in-process broker and registry: frames/s at full speed, then "
                + "capture-to-committed latency at steady fractions of it (--loads), heap/RSS; the ratio to raw "
                + "inference measured in the same run.")
class EndToEndCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Mixin
    EndToEndOptions options = new EndToEndOptions();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--skip-raw", description = "Do not measure raw inference first (no ratio).")
    boolean skipRaw;

    @Option(names = "--sample-ms", defaultValue = "1000", description = "Memory sampling period (default: ${DEFAULT-VALUE}).")
    long sampleMs;

    /** Set by {@code all}, which has measured raw inference already in this process. */
    RawInference.Result rawAtAppBatch;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), 3589);
        AppConfig app = appConfig();
        int appBatch = app.settings().batchSize();
        String version = null;
        if (!skipRaw && rawAtAppBatch == null) {
            try (RawInference r = RawInference.likeTheApp(file, faces, app)) {
                rawAtAppBatch = r.measure(appBatch, 2, 5, RawInference.SUSTAINED_IMAGES);
                version = r.version;
            }
            System.err.printf("e2e: raw inference at batch %d: %.1f images/s%n", appBatch, rawAtAppBatch.medianIps());
        }
        if (options.sources < options.partitions) {
            System.err.printf("e2e: %d source(s) on %d partitions: keys decide partitions, so some stay empty%n",
                    options.sources, options.partitions);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> phases = new ArrayList<>();
        double fullFps;
        List<FrameCostBreakdown.Row> costs = null;
        List<FrameCostBreakdown.Row> levelCosts = null;
        List<Map<String, Object>> levels = new ArrayList<>();
        Map<String, Object> loadWarmups = new LinkedHashMap<>();
        List<MemorySampler.Sample> soakSamples = List.of();
        try (MemorySampler memory = new MemorySampler(sampleMs);
             EndToEndRun run = new EndToEndRun(options, file, faces, memory).start()) {
            body.put("warmup", warmUp(run, "warmup", options.warmupFrames, 0, options.warmupRounds,
                    options.jitQuietRounds));
            CpuProfile profile = options.profile ? CpuProfile.start() : null;
            EndToEndRun.Phase full = run.run("full", options.frames, 0, null);
            if (profile != null) {
                costs = frameCosts(profile.stop(), full.seen, "full");
            }
            fullFps = full.framesPerSecond();
            phases.add(EndToEndRun.summary(full, memory.of("full")));
            for (double load : options.loads) {
                if (load <= 0) {
                    continue;
                }
                double rate = load * fullFps;
                String name = LoadLevels.phaseName(load);
                // a steady trickle runs other code than a backlog does (one-record produce and fetch requests,
                // partial batches), and the JIT compiles that too; each level also starts with an empty queue
                loadWarmups.put(name, warmUp(run, name + "warmup", (int) Math.ceil(options.loadWarmupSeconds * rate),
                        rate, options.loadWarmupRounds, 1));
                CpuProfile levelProfile = load == options.profileLoad ? CpuProfile.start() : null;
                EndToEndRun.Phase steady = run.run(name, 0, rate,
                        Duration.ofMillis(Math.round(options.loadSeconds * 1000)));
                if (levelProfile != null) {
                    levelCosts = frameCosts(levelProfile.stop(), steady.seen, name);
                }
                Map<String, Object> level = EndToEndRun.summary(steady, memory.of(name));
                level.put("load", load);
                level.put("targetRate", rate);
                levels.add(level);
                phases.add(level);
            }
            if (options.soakMinutes > 0) {
                double rate = options.soakLoad * fullFps;
                System.err.printf("e2e: soak at %.1f frames/s for %.1f min%n", rate, options.soakMinutes);
                EndToEndRun.Phase soak = run.run("soak", 0, rate,
                        Duration.ofMillis((long) (options.soakMinutes * 60_000)));
                soakSamples = memory.of("soak");
                Map<String, Object> s = EndToEndRun.summary(soak, soakSamples);
                s.put("targetRate", rate);
                phases.add(s);
            }
        }

        System.out.println("end to end, " + options.describe() + ", model " + file.getFileName() + ":");
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("phase", "frames", "sent/s", "frames/s", "mean batch", "model busy %", "JIT %", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "p99 to classified", "p99 classified to committed", "heap MB max",
                "old-gen after GC MB", "RSS MB max"));
        for (Map<String, Object> p : phases) {
            rows.add(Results.row(p.get("phase"), p.get("eventsSeen") + "/" + p.get("frames"), p.get("sendRate"),
                    p.get("framesPerSecond"),
                    p.get("meanBatchSize"), 100 * (double) p.getOrDefault("inferenceBusyShare", Double.NaN),
                    100 * (double) p.get("jitCompileShare"),
                    p.get("latencyMsP50"), p.get("latencyMsP95"), p.get("latencyMsP99"), p.get("latencyMsMax"),
                    p.get("captureToClassifiedMsP99"), p.get("classifiedToCommittedMsP99"),
                    p.get("heapUsedMbMax"), p.get("oldGenAfterGcMbLast"), p.get("rssMbMax")));
        }
        System.out.print(Results.table(rows));
        if (costs != null) {
            System.out.println("core time per frame at full speed, by part (async-profiler CPU samples):");
            System.out.print(FrameCostBreakdown.table(costs));
            body.put("frameCosts", costs);
        }
        if (levelCosts != null) {
            System.out.println("core time per frame at " + LoadLevels.phaseName(options.profileLoad) + ", by part:");
            System.out.print(FrameCostBreakdown.table(levelCosts));
            body.put("frameCostsAtLoad", levelCosts);
        }
        if (!soakSamples.isEmpty()) {
            System.out.println("soak memory, one sample every " + options.soakSampleSeconds + " s:");
            System.out.print(soakTable(soakSamples));
        }

        double rawIps = rawAtAppBatch == null ? Double.NaN : rawAtAppBatch.medianIps();
        double ratio = fullFps / rawIps;
        Object p99Half = LoadLevels.p99At(levels, 0.5);
        body.put("model", file.toString());
        body.put("modelVersion", version);
        body.put("setup", options.describe());
        body.put("appBatchSize", appBatch);
        body.put("rawImagesPerSecondAtAppBatch", rawIps);
        if (rawAtAppBatch != null) {
            body.put("rawImagesPerSecondRuns", rawAtAppBatch.imagesPerSecond());
        }
        body.put("e2eFramesPerSecond", fullFps);
        body.put("ratio", ratio);
        body.put("p99MsHalfLoad", p99Half);
        body.put("phases", phases);
        body.put("loadWarmup", loadWarmups);
        if (!soakSamples.isEmpty()) {
            body.put("soakSamples", soakSamples);
        }
        System.out.println("json: " + Results.write(options.fileName(), body));
        if (!levels.isEmpty()) {
            System.out.println("chart: " + LoadChart.write(Results.folder().resolve(options.fileName() + "-load.png"),
                    "Latency across the load range (" + file.getFileName() + ", full speed " + Math.round(fullFps)
                            + " frames/s)", LoadChart.curves(levels, "", false)));
        }
        System.out.printf("bench: e2e_fps=%.1f raw_ips=%.1f ratio=%.3f p99_ms_half_load=%s%n", fullFps, rawIps, ratio,
                p99Half);
        if (!levels.isEmpty()) {
            System.out.println(LoadLevels.line(levels, fullFps));
        }
        return 0;
    }

    /**
     * Rounds of {@code frames} at {@code rate} (0: full speed) until the JIT has settled, or the most rounds.
     * Broker, Streams, clients and Avro together compile for one to two minutes at C2's pace (measured: the JIT
     * still compiling 20-40% of the time after 60 s of full speed, under 10% after about 100 s), and on 2 cores
     * every compiler cycle is taken from the model: measuring earlier would charge a start-up cost to the steady
     * state. The rounds are in the JSON, so the cold figures are not lost.
     */
    private List<Map<String, Object>> warmUp(EndToEndRun run, String name, int frames, double rate, int maxRounds,
                                             int quietRounds) throws InterruptedException {
        List<Map<String, Object>> rounds = new ArrayList<>();
        int quietInARow = 0;
        for (int round = 1; round <= Math.max(1, maxRounds); round++) {
            EndToEndRun.Phase phase = run.run(name + round, frames, rate, null);
            double jitShare = phase.jitCompileShare();
            System.err.printf("e2e: %s round %d: %.1f frames/s, p99 %d ms, JIT compiling %.0f%% of the time%n",
                    name, round, phase.framesPerSecond(), phase.latencyMs.getValueAtPercentile(99), 100 * jitShare);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("framesPerSecond", phase.framesPerSecond());
            r.put("jitCompileShare", jitShare);
            r.put("latencyMsP99", phase.latencyMs.getValueAtPercentile(99));
            rounds.add(r);
            quietInARow = jitShare < options.jitQuiet ? quietInARow + 1 : 0;
            if (quietInARow >= quietRounds) {
                break;
            }
        }
        return rounds;
    }

    /** A phase's profile as a per-frame table; the stacks are kept for a closer look (e.g. a flame graph). */
    private List<FrameCostBreakdown.Row> frameCosts(CpuProfile.Result profile, long frames, String phase)
            throws IOException {
        String suffix = phase.equals("full") ? "" : "-" + phase;
        Path stacks = Results.folder().resolve(options.fileName() + suffix + ".collapsed");
        Files.createDirectories(stacks.getParent());
        Files.writeString(stacks, profile.collapsed());
        System.err.printf("e2e: %s phase profiled: %.1f core s over %.1f s, stacks in %s%n", phase,
                profile.cpuSeconds(), profile.wallSeconds(), stacks);
        return FrameCostBreakdown.of(profile.collapsed(), profile.cpuSeconds(), frames);
    }

    /** The app's configuration as the run will set it, for what raw inference must match. */
    AppConfig appConfig() {
        Map<String, String> p = new LinkedHashMap<>(AppConfig.defaults());
        if (options.batchSize > 0) {
            p.put(AppConfig.BATCH_SIZE, String.valueOf(options.batchSize));
        }
        p.putAll(options.properties);
        return new AppConfig(p);
    }


    private String soakTable(List<MemorySampler.Sample> samples) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("t s", "heap MB", "old-gen after GC MB", "RSS MB"));
        double next = samples.get(0).seconds();
        for (MemorySampler.Sample s : samples) {
            if (s.seconds() + 1e-6 >= next) {
                rows.add(Results.row(String.format("%.0f", s.seconds()), s.heapUsedMb(), s.oldAfterGcMb(), s.rssMb()));
                next = s.seconds() + options.soakSampleSeconds;
            }
        }
        return Results.table(rows);
    }
}
