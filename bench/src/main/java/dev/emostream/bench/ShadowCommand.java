package dev.emostream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.model.Lineup;
import dev.emostream.app.rollout.ModelPublisher;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "shadowing": what a challenger costs the champion. The app in topic mode with the model as champion and a
 * copy of it under another version as challenger (the same network: the cost of a retrained model of the same
 * architecture), published through the control topic as an operator would; then, in one process, full speed with the
 * challenger on none of the frames, on half and on all of them, and p99 for each at one offered rate: half of the
 * full speed without a challenger, where docs/CAPACITY.md sizes instances (the share is set on the running instances
 * between phases; the rule's minimum is out of reach, so nothing is decided). Ends with {@code shadow: fps_off=..
 * fps_half=.. fps_all=.. p99_ms_half_load_off=.. p99_ms_half_load_half=.. p99_ms_half_load_all=..}.
 */
@Command(name = "shadow", mixinStandardHelpOptions = true,
        description = "Cost of shadowing a challenger: frames/s at full speed, and p99 at half the full speed without "
                + "a challenger, with the challenger (the model under another version) on 0, half and all of the frames.")
class ShadowCommand implements Callable<Integer> {

    private static final double[] SHARES = {0.0, 0.5, 1.0};
    private static final String[] NAMES = {"off", "half", "all"};

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--frames", defaultValue = "20000",
            description = "Frames in each full-speed phase (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--warmup-frames", defaultValue = "3000", description = "Frames per warm-up round (default: ${DEFAULT-VALUE}).")
    int warmupFrames;

    @Option(names = "--warmup-rounds", defaultValue = "30",
            description = "Most warm-up rounds at full speed, with the challenger on all frames, before the first "
                    + "measured phase; they stop once the JIT compiles less than --jit-quiet of a round's time "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--jit-quiet", defaultValue = "0.05",
            description = "JIT compile time per wall second below which the JVM counts as warm (default: ${DEFAULT-VALUE}).")
    double jitQuiet;

    @Option(names = "--load-seconds", defaultValue = "30",
            description = "Length of each half-load phase (default: ${DEFAULT-VALUE}).")
    double loadSeconds;

    @Option(names = "--load-warmup-seconds", defaultValue = "5",
            description = "Unmeasured time at the half-load rate before each half-load phase (default: ${DEFAULT-VALUE}).")
    double loadWarmupSeconds;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), 3589);
        EndToEndOptions options = EndToEndOptions.of(1, 1, 100, "shadow");
        options.properties.put(AppConfig.MODEL_SOURCE, AppConfig.SOURCE_TOPIC);
        options.properties.put(AppConfig.ROLLOUT_MIN_LABELED, "1000000000");
        options.properties.put(AppConfig.ROLLOUT_MAX_LABELED, "1000000000");
        options.properties.put(AppConfig.SHADOW_SHARE, "1");
        Path challenger = Files.createTempDirectory("emostream-bench-shadow").resolve("challenger.model.zip");
        ModelArtifact artifact = ModelArtifact.load(file);
        String challengerVersion = artifact.metadata().version() + "-shadow";
        ModelArtifact.write(challenger, artifact.networks(), artifact.metadata().withVersion(challengerVersion));

        List<Map<String, Object>> results = new ArrayList<>();
        try (MemorySampler memory = new MemorySampler(1000);
             EndToEndRun run = new EndToEndRun(options, file, faces, memory).start()) {
            AppConfig config = new AppConfig(run.appProperties(0));
            new ModelPublisher(config).publish(file, true, "bench shadow: champion");
            new ModelPublisher(config).publish(challenger, false, "bench shadow: challenger");
            awaitChallenger(run.apps(), challengerVersion);
            share(run.apps(), 1.0);
            for (int round = 1; round <= warmupRounds; round++) {
                EndToEndRun.Phase w = run.run("warmup" + round, warmupFrames, 0, null);
                System.err.printf("shadow: warm-up %d (challenger on all frames): %.1f frames/s, JIT %.0f%%%n", round,
                        w.framesPerSecond(), 100 * w.jitCompileShare());
                if (w.jitCompileShare() < jitQuiet) {
                    break;
                }
            }
            double rate = 0;
            for (int i = 0; i < SHARES.length; i++) {
                share(run.apps(), SHARES[i]);
                EndToEndRun.Phase full = run.run("full" + NAMES[i], frames, 0, null);
                if (i == 0) {
                    rate = full.framesPerSecond() / 2; // the same offered load for every share: what a champion sees
                }
                run.run("halfwarmup" + NAMES[i], 0, rate, Duration.ofMillis(Math.round(loadWarmupSeconds * 1000)));
                double shadowedBefore = shadowed(run.apps(), challengerVersion);
                EndToEndRun.Phase half = run.run("half" + NAMES[i], 0, rate,
                        Duration.ofMillis(Math.round(loadSeconds * 1000)));
                double shadowedAtHalf = (shadowed(run.apps(), challengerVersion) - shadowedBefore) / half.seen;
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("share", SHARES[i]);
                r.put("full", EndToEndRun.summary(full, memory.of("full" + NAMES[i])));
                r.put("halfLoad", EndToEndRun.summary(half, memory.of("half" + NAMES[i])));
                r.put("framesPerSecond", full.framesPerSecond());
                r.put("p99MsHalfLoad", half.latencyMs.getValueAtPercentile(99));
                r.put("shadowedShareAtHalfLoad", shadowedAtHalf);
                System.err.printf("shadow: share %.1f: %.1f frames/s, p99 %d ms at %.1f frames/s (%.2f of them shadowed)%n",
                        SHARES[i], full.framesPerSecond(), half.latencyMs.getValueAtPercentile(99), rate, shadowedAtHalf);
                results.add(r);
            }
        }

        System.out.println("shadowing, model " + file.getFileName() + " with a copy of itself as challenger:");
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("share", "frames/s", "mean batch", "model busy %", "half-load frames/s", "p50 ms", "p99 ms",
                "model busy % at half", "shadowed at half"));
        for (Map<String, Object> r : results) {
            @SuppressWarnings("unchecked") Map<String, Object> full = (Map<String, Object>) r.get("full");
            @SuppressWarnings("unchecked") Map<String, Object> half = (Map<String, Object>) r.get("halfLoad");
            rows.add(Results.row(r.get("share"), r.get("framesPerSecond"), full.get("meanBatchSize"),
                    100 * (double) full.getOrDefault("inferenceBusyShare", Double.NaN), half.get("framesPerSecond"),
                    half.get("latencyMsP50"), half.get("latencyMsP99"),
                    100 * (double) half.getOrDefault("inferenceBusyShare", Double.NaN), r.get("shadowedShareAtHalfLoad")));
        }
        System.out.print(Results.table(rows));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", file.toString());
        body.put("challenger", challengerVersion);
        body.put("runs", results);
        System.out.println("json: " + Results.write("shadow", body));
        System.out.printf(Locale.ROOT, "shadow: fps_off=%.1f fps_half=%.1f fps_all=%.1f p99_ms_half_load_off=%s "
                        + "p99_ms_half_load_half=%s p99_ms_half_load_all=%s%n",
                (double) results.get(0).get("framesPerSecond"), (double) results.get(1).get("framesPerSecond"),
                (double) results.get(2).get("framesPerSecond"), results.get(0).get("p99MsHalfLoad"),
                results.get(1).get("p99MsHalfLoad"), results.get(2).get("p99MsHalfLoad"));
        return 0;
    }

    private static void awaitChallenger(List<EmotionStreamsApp> apps, String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!apps.stream().allMatch(a -> a.models().lineup().challenger() != null
                && a.models().lineup().challenger().model().version().equals(version))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app did not take the challenger " + version + " within 2 min");
            }
            Thread.sleep(50);
        }
    }

    private static double shadowed(List<EmotionStreamsApp> apps, String version) {
        return apps.stream().mapToDouble(a -> a.metrics().shadowedCount(version)).sum();
    }

    /** Sets the running instances' shadow share (the follower sets it only when the control topic changes). */
    private static void share(List<EmotionStreamsApp> apps, double share) {
        for (EmotionStreamsApp app : apps) {
            Lineup l = app.models().lineup();
            app.models().serve(new Lineup(l.champion(), l.challenger().withShare(share)));
        }
    }
}
