package dev.emostream.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.artifact.ValidationMetrics;
import dev.emostream.model.metrics.ConfusionMatrix;
import dev.emostream.trainer.train.EpochRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reports beside an artifact: {@code report.json} for machines, {@code report.md} for people,
 * {@code training-curves.png} and {@code confusion-matrix.png} (on the validation faces, which chose the model). A
 * test set's score, when one was scored, is reported beside them and chose nothing.
 */
public final class TrainingReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingReport() {
    }

    /** @param test the written model's score on a test set that chose nothing, or null */
    public static void write(Path dir, ModelMetadata metadata, List<EpochRecord> history, ValidationMetrics test)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        ConfusionMatrix cm = metadata.validation().confusionMatrix();
        Map<String, Object> json = new LinkedHashMap<>(EvaluationReport.toJson(metadata.version(),
                metadata.validation().dataset(), cm));
        if (test != null) {
            json.put("test", EvaluationReport.toJson(metadata.version(), test.dataset(), test.confusionMatrix()));
        }
        json.put("architecture", metadata.architecture());
        json.put("preprocessing", metadata.preprocessing());
        json.put("training", metadata.training());
        json.put("history", history);
        JSON.writeValue(dir.resolve("report.json").toFile(), json);
        Files.writeString(dir.resolve("report.md"), markdown(metadata, cm, history, test));
        writeCurves(dir, history);
        writeConfusion(dir.resolve("confusion-matrix.png"), cm, metadata.version());
    }

    static String markdown(ModelMetadata m, ConfusionMatrix cm, List<EpochRecord> history, ValidationMetrics test) {
        StringBuilder md = new StringBuilder();
        md.append("# Model ").append(m.version()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Accuracy on %s: **%.4f** (%d of %d faces)%n%n",
                m.validation().dataset(), cm.accuracy(), cm.correct(), cm.total()));
        if (test != null) {
            ConfusionMatrix t = test.confusionMatrix();
            md.append(String.format(Locale.ROOT, "Accuracy on %s, scored only (it chose nothing): **%.4f** (%d of %d "
                    + "faces)%n%n", test.dataset(), t.accuracy(), t.correct(), t.total()));
        }
        md.append("- Architecture: ").append(m.architecture()).append('\n');
        md.append("- Preprocessing: ").append(m.preprocessing()).append('\n');
        md.append("- Training: ").append(m.training()).append('\n');
        md.append("- Training data SHA-256: ").append(m.trainingDataSha256()).append("\n\n");
        md.append(EvaluationReport.markdownTables(cm));
        boolean averaged = history.stream().anyMatch(r -> r.averagedAccuracy() != null);
        boolean tested = history.stream().anyMatch(r -> r.testAccuracy() != null);
        md.append("\n## Training history\n\n| epoch | train loss | validation accuracy |")
                .append(averaged ? " weight average |" : "")
                .append(tested ? " test (chose nothing) |" : "").append(tested && averaged ? " weight average, test |" : "")
                .append(" learning rate | seconds | img/s |\n|---|---|---|")
                .append(averaged ? "---|" : "").append(tested ? "---|" : "").append(tested && averaged ? "---|" : "")
                .append("---|---|---|\n");
        for (EpochRecord r : history) {
            String columns = (averaged ? cell(r.averagedAccuracy()) : "") + (tested ? cell(r.testAccuracy()) : "")
                    + (tested && averaged ? cell(r.averagedTestAccuracy()) : "");
            md.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f |%s %.2e | %.0f | %.1f |%n", r.epoch(), r.trainLoss(),
                    r.validationAccuracy(), columns, r.learningRate(), r.seconds(), r.imagesPerSecond()));
        }
        md.append("\n![training curves](training-curves.png)\n\n![confusion matrix](confusion-matrix.png)\n");
        return md.toString();
    }

    private static String cell(Double accuracy) {
        return accuracy == null ? " |" : String.format(Locale.ROOT, " %.4f |", accuracy);
    }

    public static void writeCurves(Path dir, List<EpochRecord> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(450).title("Training")
                .xAxisTitle("epoch").yAxisTitle("loss / accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        addSeries(chart, "train loss", history, EpochRecord::trainLoss);
        addSeries(chart, "validation accuracy", history, EpochRecord::validationAccuracy);
        addSeries(chart, "weight average, validation accuracy", history, EpochRecord::averagedAccuracy);
        addSeries(chart, "test accuracy (chose nothing)", history, EpochRecord::testAccuracy);
        BitmapEncoder.saveBitmap(chart, dir.resolve("training-curves.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** A line through the epochs that have a value; none when no epoch has one. */
    private static void addSeries(XYChart chart, String name, List<EpochRecord> history,
                                  Function<EpochRecord, Double> value) {
        List<Integer> epochs = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (EpochRecord r : history) {
            if (value.apply(r) != null) {
                epochs.add(r.epoch());
                values.add(value.apply(r));
            }
        }
        if (!values.isEmpty()) {
            chart.addSeries(name, epochs, values);
        }
    }

    public static void writeConfusion(Path png, ConfusionMatrix cm, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> names = Emotion.names();
        HeatMapChart chart = new HeatMapChartBuilder().width(700).height(600).title("Confusion matrix " + title
                + " (row-normalized, rows = true)").xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setRangeColors(new Color[]{Color.WHITE, new Color(0x1f, 0x77, 0xb4)});
        long[][] rows = cm.toRows();
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < rows.length; t++) {
            long support = cm.support(Emotion.fromCode(t));
            for (int p = 0; p < rows.length; p++) {
                double share = support == 0 ? 0 : rows[t][p] / (double) support;
                cells.add(new Number[]{p, rows.length - 1 - t, Math.round(share * 100) / 100.0});
            }
        }
        List<String> reversed = new ArrayList<>(names);
        java.util.Collections.reverse(reversed);
        chart.addSeries("share", names, reversed, cells);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
