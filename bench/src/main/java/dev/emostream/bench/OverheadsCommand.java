package dev.emostream.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.emostream.app.config.AppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "per-frame overheads": JMH on {@link FrameOverheads}, then the same-run inference cost per frame at the
 * app's batch size, and the share the per-frame work takes of it (the bar: under 5%).
 */
@Command(name = "overheads", mixinStandardHelpOptions = true,
        description = "JMH: Avro decode/encode, cached registry look-ups, preprocessing; share of inference per frame.")
final class OverheadsCommand implements Callable<Integer> {

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--batch", defaultValue = "32", description = "The app's batch size, for the inference share (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--forks", defaultValue = "1", description = "JMH forks (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--iterations", defaultValue = "5", description = "JMH measurement iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--iteration-ms", defaultValue = "1000", description = "JMH iteration length (default: ${DEFAULT-VALUE}).")
    long iterationMs;

    @Option(names = "--skip-inference", description = "Do not measure inference per frame (no model needed; no share).")
    boolean skipInference;

    @Override
    public Integer call() throws Exception {
        Path json = Results.folder().resolve("overheads-jmh.json");
        java.nio.file.Files.createDirectories(json.getParent());
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(FrameOverheads.class.getName() + ".*")
                .forks(forks)
                .warmupIterations(3).warmupTime(TimeValue.milliseconds(iterationMs))
                .measurementIterations(iterations).measurementTime(TimeValue.milliseconds(iterationMs))
                .jvmArgsAppend("-Xmx512m")
                .resultFormat(ResultFormatType.JSON).result(json.toString());
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, double[]> ns = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            ns.put(name, new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        double perFrameUs = Double.NaN;
        String version = null;
        if (!skipInference) {
            Path file = model.resolve();
            // as the app runs it by default: one batch per core at once (the smaller per-frame cost, the stricter test)
            try (RawInference raw = RawInference.likeTheApp(file,
                    Faces.load(data != null ? data : Faces.defaultCsv(), 256), new AppConfig(AppConfig.defaults()))) {
                RawInference.Result r = raw.measure(batch, 2, 5, 256);
                perFrameUs = 1e6 / r.medianIps();
                version = raw.version;
            }
        }
        // what the app pays per frame outside the network: decode in, preprocess, encode out
        double appNs = value(ns, "decodeFaceFrame") + value(ns, "preprocess") + value(ns, "encodeEmotionEvent");

        double inferUs = perFrameUs;
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("per frame", "us (mean)", "+- (99.9%)", "% of inference/frame"));
        ns.forEach((k, v) -> rows.add(Results.row(k, v[0] / 1000, v[1] / 1000, 100 * v[0] / 1000 / inferUs)));
        rows.add(Results.row("app total (decode+preprocess+encode event)", appNs / 1000, "", 100 * appNs / 1000 / perFrameUs));
        rows.add(Results.row("inference per frame at batch " + batch, perFrameUs, "", 100.0));
        System.out.print(Results.table(rows));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("unit", "microseconds per frame");
        Map<String, Object> bench = new LinkedHashMap<>();
        ns.forEach((k, v) -> bench.put(k, Map.of("us", v[0] / 1000, "errorUs", v[1] / 1000)));
        body.put("jmh", bench);
        body.put("jmhRaw", json.toString());
        body.put("modelVersion", version);
        body.put("batch", batch);
        body.put("inferenceUsPerFrame", perFrameUs);
        body.put("appOverheadUsPerFrame", appNs / 1000);
        body.put("appOverheadShareOfInference", appNs / 1000 / perFrameUs);
        System.out.println("json: " + Results.write("overheads", body));
        System.out.printf("overheads: app_us_per_frame=%.2f inference_us_per_frame=%.0f share=%.2f%%%n",
                appNs / 1000, perFrameUs, 100 * appNs / 1000 / perFrameUs);
        return 0;
    }

    private static double value(Map<String, double[]> ns, String name) {
        double[] v = ns.get(name);
        return v == null ? Double.NaN : v[0];
    }
}
