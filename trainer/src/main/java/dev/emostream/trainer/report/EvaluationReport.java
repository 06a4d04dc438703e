package dev.emostream.trainer.report;

import dev.emostream.model.Emotion;
import dev.emostream.model.metrics.ConfusionMatrix;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Accuracy, per-class precision/recall/F1 and the confusion matrix, as JSON-ready maps and Markdown. */
public final class EvaluationReport {
    private EvaluationReport() {
    }

    public static Map<String, Object> toJson(String modelVersion, String dataset, ConfusionMatrix cm) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("modelVersion", modelVersion);
        json.put("dataset", dataset);
        json.put("n", cm.total());
        json.put("correct", cm.correct());
        json.put("accuracy", cm.accuracy());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (Emotion e : Emotion.values()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("support", cm.support(e));
            c.put("precision", cm.precision(e));
            c.put("recall", cm.recall(e));
            c.put("f1", cm.f1(e));
            perClass.put(e.name(), c);
        }
        json.put("perClass", perClass);
        json.put("classes", Emotion.names());
        json.put("confusion", cm.toRows());
        return json;
    }

    public static String markdownTables(ConfusionMatrix cm) {
        StringBuilder md = new StringBuilder("## Per class\n\n| class | support | precision | recall | F1 |\n|---|---|---|---|---|\n");
        for (Emotion e : Emotion.values()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f |%n", e, cm.support(e), cm.precision(e),
                    cm.recall(e), cm.f1(e)));
        }
        md.append("\n## Confusion matrix (rows = true, columns = predicted)\n\n| |");
        for (Emotion e : Emotion.values()) {
            md.append(' ').append(e).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(Emotion.COUNT)).append('\n');
        long[][] rows = cm.toRows();
        for (Emotion t : Emotion.values()) {
            md.append("| **").append(t).append("** |");
            for (long v : rows[t.code()]) {
                md.append(' ').append(v).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** A console table for {@code trainer evaluate}. */
    public static String text(String modelVersion, String dataset, ConfusionMatrix cm) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "model %s on %s: accuracy %.4f (%d of %d)%n%n", modelVersion, dataset,
                cm.accuracy(), cm.correct(), cm.total()));
        s.append(String.format(Locale.ROOT, "%-9s %8s %9s %7s %6s%n", "class", "support", "precision", "recall", "F1"));
        for (Emotion e : Emotion.values()) {
            s.append(String.format(Locale.ROOT, "%-9s %8d %9.3f %7.3f %6.3f%n", e, cm.support(e), cm.precision(e),
                    cm.recall(e), cm.f1(e)));
        }
        s.append("\nconfusion (rows = true, columns = predicted)\n          ");
        for (Emotion e : Emotion.values()) {
            s.append(String.format("%9.8s", e));
        }
        s.append('\n');
        long[][] rows = cm.toRows();
        for (Emotion t : Emotion.values()) {
            s.append(String.format("%-10s", t));
            for (long v : rows[t.code()]) {
                s.append(String.format("%9d", v));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
