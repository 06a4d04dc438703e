package dev.emostream.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelMetadata;
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

/**
 * Reports beside an artifact: {@code report.json} for machines, {@code report.md} for people,
 * {@code training-curves.png} and {@code confusion-matrix.png}.
 */
public final class TrainingReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingReport() {
    }

    public static void write(Path dir, ModelMetadata metadata, List<EpochRecord> history) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ConfusionMatrix cm = metadata.validation().confusionMatrix();
        Map<String, Object> json = new LinkedHashMap<>(EvaluationReport.toJson(metadata.version(),
                metadata.validation().dataset(), cm));
        json.put("architecture", metadata.architecture());
        json.put("preprocessing", metadata.preprocessing());
        json.put("training", metadata.training());
        json.put("history", history);
        JSON.writeValue(dir.resolve("report.json").toFile(), json);
        Files.writeString(dir.resolve("report.md"), markdown(metadata, cm, history));
        writeCurves(dir, history);
        writeConfusion(dir.resolve("confusion-matrix.png"), cm, metadata.version());
    }

    static String markdown(ModelMetadata m, ConfusionMatrix cm, List<EpochRecord> history) {
        StringBuilder md = new StringBuilder();
        md.append("# Model ").append(m.version()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Accuracy on %s: **%.4f** (%d of %d faces)%n%n",
                m.validation().dataset(), cm.accuracy(), cm.correct(), cm.total()));
        md.append("- Architecture: ").append(m.architecture()).append('\n');
        md.append("- Preprocessing: ").append(m.preprocessing()).append('\n');
        md.append("- Training: ").append(m.training()).append('\n');
        md.append("- Training data SHA-256: ").append(m.trainingDataSha256()).append("\n\n");
        md.append(EvaluationReport.markdownTables(cm));
        boolean averaged = history.stream().anyMatch(r -> r.averagedAccuracy() != null);
        md.append("\n## Training history\n\n| epoch | train loss | validation accuracy |")
                .append(averaged ? " weight average |" : "").append(" learning rate | seconds | img/s |\n|---|---|---|")
                .append(averaged ? "---|" : "").append("---|---|---|\n");
        for (EpochRecord r : history) {
            String average = !averaged ? "" : r.averagedAccuracy() == null ? " |"
                    : String.format(Locale.ROOT, " %.4f |", r.averagedAccuracy());
            md.append(String.format(Locale.ROOT, "| %d | %.4f | %.4f |%s %.2e | %.0f | %.1f |%n", r.epoch(), r.trainLoss(),
                    r.validationAccuracy(), average, r.learningRate(), r.seconds(), r.imagesPerSecond()));
        }
        md.append("\n![training curves](training-curves.png)\n\n![confusion matrix](confusion-matrix.png)\n");
        return md.toString();
    }

    public static void writeCurves(Path dir, List<EpochRecord> history) throws IOException {
        if (history.isEmpty()) {
            return;
        }
        System.setProperty("java.awt.headless", "true");
        List<Integer> epochs = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        for (EpochRecord r : history) {
            epochs.add(r.epoch());
            loss.add(r.trainLoss());
            acc.add(r.validationAccuracy());
        }
        XYChart chart = new XYChartBuilder().width(800).height(450).title("Training")
                .xAxisTitle("epoch").yAxisTitle("loss / accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.addSeries("train loss", epochs, loss);
        chart.addSeries("validation accuracy", epochs, acc);
        List<Integer> averagedEpochs = new ArrayList<>();
        List<Double> averaged = new ArrayList<>();
        for (EpochRecord r : history) {
            if (r.averagedAccuracy() != null) {
                averagedEpochs.add(r.epoch());
                averaged.add(r.averagedAccuracy());
            }
        }
        if (!averaged.isEmpty()) {
            chart.addSeries("weight average, validation accuracy", averagedEpochs, averaged);
        }
        BitmapEncoder.saveBitmap(chart, dir.resolve("training-curves.png").toString(), BitmapEncoder.BitmapFormat.PNG);
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
