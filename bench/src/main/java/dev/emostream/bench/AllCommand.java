package dev.emostream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.emostream.app.config.AppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code bin/streams-app bench} runs: the raw-inference table, then the end-to-end run using the raw figure
 * at the app's batch size from the same process, ending with
 * {@code bench: e2e_fps=X raw_ips=Y ratio=Z p99_ms_half_load=W} and
 * {@code load: p99_ms_10=.. p99_ms_25=.. p99_ms_50=.. p99_ms_80=.. p99_ms_95=.. full_fps=..}.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
        description = "Raw inference at batch 1..128, then end to end (full speed, then latency at 10-95%% of it) and "
                + "the ratio, in one run.")
final class AllCommand extends EndToEndCommand {

    @Option(names = "--batches", split = ",", defaultValue = "1,8,32,64,128",
            description = "Raw-inference batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--runs", defaultValue = "5", description = "Timed raw runs per batch size (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws Exception {
        AppConfig app = appConfig();
        int appBatch = app.settings().batchSize();
        var file = model.resolve();
        List<RawInference.Result> results = new ArrayList<>();
        String version;
        String setup;
        try (RawInference raw = RawInference.likeTheApp(file, Faces.load(data != null ? data : Faces.defaultCsv(), 256),
                app)) {
            version = raw.version;
            setup = raw.setup();
            for (int b : batches) {
                results.add(raw.measure(b, 2, runs, 256));
            }
            rawAtAppBatch = raw.measure(appBatch, 2, runs, RawInference.SUSTAINED_IMAGES);
        }
        System.out.println("raw inference, model " + version + " (" + file + "), " + setup + ", median of " + runs
                + " runs:");
        System.out.print(RawCommand.table(results));
        System.out.printf("sustained, batch %d (%d faces a run, the rate the end-to-end ratio uses): %.1f images/s%n",
                appBatch, RawInference.SUSTAINED_IMAGES, rawAtAppBatch.medianIps());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", file.toString());
        body.put("modelVersion", version);
        body.put("setup", setup);
        body.put("runs", runs);
        body.put("results", RawCommand.json(results));
        System.out.println("json: " + Results.write("raw", body));
        return super.call();
    }
}
