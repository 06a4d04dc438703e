package dev.emostream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Latency (p50, p95, p99) against load as a PNG, with the 250 ms p99 target of issue 19 drawn in. */
final class LoadChart {

    static final double P99_TARGET_MS = 250;

    private LoadChart() {
    }

    /** Writes the chart of {@code levels} (each with {@code load} and latency percentiles) and returns the file. */
    static Path write(Path png, List<Map<String, Object>> levels, String title) {
        System.setProperty("java.awt.headless", "true");
        List<Double> loads = new ArrayList<>();
        for (Map<String, Object> level : levels) {
            loads.add(100 * (double) level.get("load"));
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title)
                .xAxisTitle("load, % of full speed").yAxisTitle("capture to committed, ms").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(100.0);
        for (String p : List.of("P50", "P95", "P99")) {
            List<Double> ms = new ArrayList<>();
            for (Map<String, Object> level : levels) {
                ms.add(Math.max(1, ((Number) level.get("latencyMs" + p)).doubleValue()));
            }
            chart.addSeries(p.toLowerCase(), loads, ms).setMarker(SeriesMarkers.CIRCLE);
        }
        XYSeries target = chart.addSeries("p99 target (to 80%)", List.of(0.0, 80.0),
                List.of(P99_TARGET_MS, P99_TARGET_MS));
        target.setMarker(SeriesMarkers.NONE);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        return png;
    }
}
