package dev.emostream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Where figures go: a plain-text table on stdout and a JSON file under the results folder. */
final class Results {

    static final String OUT_PROPERTY = "emostream.bench.out";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Results() {
    }

    /** {@code -Demostream.bench.out} (bin/bench sets it to bench/target), else ./target; plus /results. */
    static Path folder() {
        Path base = Path.of(System.getProperty(OUT_PROPERTY, "target"));
        return base.resolve("results");
    }

    /** Writes {@code body} with the machine and the time, and returns the file. */
    static Path write(String name, Map<String, Object> body) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("figure", name);
        doc.put("time", Instant.now().toString());
        doc.put("machine", machine());
        doc.putAll(body);
        Path file = folder().resolve(name + ".json");
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("cpu", cpuModel());
        m.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        m.put("ompThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** A left-aligned text table: first row is the header. */
    static String table(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            for (int c = 0; c < cols; c++) {
                sb.append(c == 0 ? "" : "  ").append(pad(r.get(c), width[c], c > 0));
            }
            sb.append('\n');
            if (i == 0) {
                for (int c = 0; c < cols; c++) {
                    sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static List<String> row(Object... cells) {
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(c instanceof Double d ? fmt(d) : String.valueOf(c));
        }
        return r;
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        double a = Math.abs(d);
        return a >= 100 ? String.format("%.0f", d) : a >= 10 ? String.format("%.1f", d) : String.format("%.3f", d);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }
}
