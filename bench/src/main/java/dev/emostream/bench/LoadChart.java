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
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Latency against load as a PNG, with the 250 ms p99 target of issue 19 drawn in up to 80%. */
final class LoadChart {

    static final double P99_TARGET_MS = 250;
    static final List<String> PERCENTILES = List.of("P50", "P95", "P99");

    /** One line: latency (ms) at each load (% of full speed); a dashed line is a comparison (before a change). */
    record Curve(String name, List<Double> loadPercent, List<Double> ms, boolean dashed) {
    }

    private LoadChart() {
    }

    /** p50, p95 and p99 of one run's levels (each with {@code load} and {@code latencyMsP50} ...). */
    static List<Curve> curves(List<Map<String, Object>> levels, String prefix, boolean dashed) {
        List<Curve> curves = new ArrayList<>();
        for (String p : PERCENTILES) {
            List<Double> loads = new ArrayList<>();
            List<Double> ms = new ArrayList<>();
            for (Map<String, Object> level : levels) {
                loads.add(100 * ((Number) level.get("load")).doubleValue());
                ms.add(((Number) level.get("latencyMs" + p)).doubleValue());
            }
            curves.add(new Curve(prefix + p.toLowerCase(), loads, ms, dashed));
        }
        return curves;
    }

    /** Writes the chart and returns the file. */
    static Path write(Path png, String title, List<Curve> curves) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title)
                .xAxisTitle("load, % of the full speed measured in the same run")
                .yAxisTitle("capture to committed, ms").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(100.0);
        chart.getStyler().setYAxisMin(0.0);
        for (Curve c : curves) {
            XYSeries s = chart.addSeries(c.name(), c.loadPercent(), c.ms());
            s.setMarker(SeriesMarkers.CIRCLE);
            if (c.dashed()) {
                s.setLineStyle(SeriesLines.DASH_DASH);
            }
        }
        XYSeries target = chart.addSeries("p99 target, 10-80%", List.of(10.0, 80.0),
                List.of(P99_TARGET_MS, P99_TARGET_MS));
        target.setMarker(SeriesMarkers.NONE);
        target.setLineStyle(SeriesLines.DOT_DOT);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        return png;
    }
}
