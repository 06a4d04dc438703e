package dev.emostream.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The chart of docs/BENCHMARKS.md: median latency per load level over several end-to-end runs' JSON files, with
 * the runs of a setup to compare against drawn dashed.
 */
@Command(name = "load-chart", mixinStandardHelpOptions = true,
        description = "Draws p50/p95/p99 against load, the median per level over the given e2e/all JSON files.")
final class LoadChartCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "1..*", paramLabel = "RUN.json", description = "Runs to draw (bench/target/results/e2e-*.json).")
    List<Path> runs;

    @Option(names = "--before", split = ",", paramLabel = "RUN.json",
            description = "Runs to compare against, drawn dashed (p50 and p99).")
    List<Path> before = List.of();

    @Option(names = "--label", defaultValue = "after", description = "Legend name of RUN.json (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--before-label", defaultValue = "before", description = "Legend name of --before (default: ${DEFAULT-VALUE}).")
    String beforeLabel;

    @Option(names = "--title", defaultValue = "Capture-to-committed latency across the load range",
            description = "Chart title.")
    String title;

    @Option(names = "--out", required = true, description = "PNG to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<LoadChart.Curve> curves = new ArrayList<>(LoadChart.curves(medianLevels(runs), label + " ", false));
        if (!before.isEmpty()) {
            for (LoadChart.Curve c : LoadChart.curves(medianLevels(before), beforeLabel + " ", true)) {
                if (!c.name().endsWith("p95")) {
                    curves.add(c);
                }
            }
        }
        String subtitle = " (median of " + runs.size() + (before.isEmpty() ? "" : " vs " + before.size()) + " runs)";
        System.out.println("chart: " + LoadChart.write(out, title + subtitle, curves));
        return 0;
    }

    /** Per load level, the median of each latency percentile over the runs. */
    static List<Map<String, Object>> medianLevels(List<Path> files) throws IOException {
        Map<Long, Map<String, List<Double>>> byPercent = new TreeMap<>();
        for (Path file : files) {
            for (JsonNode phase : JSON.readTree(file.toFile()).path("phases")) {
                if (!phase.has("load")) {
                    continue;
                }
                Map<String, List<Double>> values = byPercent.computeIfAbsent(
                        LoadLevels.percent(phase.get("load").asDouble()), k -> new LinkedHashMap<>());
                for (String p : LoadChart.PERCENTILES) {
                    values.computeIfAbsent(p, k -> new ArrayList<>()).add(phase.get("latencyMs" + p).asDouble());
                }
            }
        }
        List<Map<String, Object>> levels = new ArrayList<>();
        byPercent.forEach((percent, values) -> {
            Map<String, Object> level = new LinkedHashMap<>();
            level.put("load", percent / 100.0);
            values.forEach((p, v) -> level.put("latencyMs" + p, median(v)));
            levels.add(level);
        });
        return levels;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
