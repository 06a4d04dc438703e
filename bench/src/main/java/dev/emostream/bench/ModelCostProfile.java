package dev.emostream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the model's own threads spend their CPU, from collapsed async-profiler stacks: the share of samples under
 * each named cost (a sample counts for every cost its stack holds), then the hottest leaf frames. The names are the
 * costs found so far in serving (docs/BENCHMARKS.md, "Where the model's time goes").
 */
final class ModelCostProfile {

    /** Named costs: a label and the frame that marks it in a stack. */
    static final Map<String, String> COSTS = namedCosts();

    record Row(String what, long samples, double share) {
    }

    private ModelCostProfile() {
    }

    private static Map<String, String> namedCosts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("convolution (oneDNN)", "convolution_fwd");
        m.put("batch norm (oneDNN)", "batch_normalization");
        m.put("JavaCPP memory bound: /proc/self/statm per allocation", "Pointer.physicalBytes");
        m.put("ND4J deallocator registration: SecureRandom", "SecureRandom");
        m.put("ND4J array allocation", "Nd4j.create");
        m.put("DL4J workspaces", "Workspace");
        return m;
    }

    /** Samples of threads that run forward passes (the bench's pool threads), by named cost, then the top leaves. */
    static List<Row> of(String collapsed) {
        Map<String, Long> named = new LinkedHashMap<>();
        COSTS.keySet().forEach(k -> named.put(k, 0L));
        Map<String, Long> leaves = new LinkedHashMap<>();
        long total = 0;
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || !line.startsWith("[pool-")) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            String stack = line.substring(0, space);
            total += n;
            COSTS.forEach((label, frame) -> {
                if (stack.contains(frame)) {
                    named.merge(label, n, Long::sum);
                }
            });
            leaves.merge(stack.substring(stack.lastIndexOf(';') + 1), n, Long::sum);
        }
        List<Row> rows = new ArrayList<>();
        long all = total;
        named.forEach((label, n) -> rows.add(new Row(label, n, n / (double) Math.max(1, all))));
        leaves.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> rows.add(new Row("leaf: " + e.getKey(), e.getValue(), e.getValue() / (double) Math.max(1, all))));
        rows.add(new Row("all samples of the inference threads", total, 1.0));
        return rows;
    }

    static String table(List<Row> rows) {
        List<List<String>> t = new ArrayList<>();
        t.add(Results.row("cost", "samples", "share %"));
        for (Row r : rows) {
            String what = r.what().length() > 110 ? r.what().substring(0, 107) + "..." : r.what();
            t.add(Results.row(what, r.samples(), String.format("%.1f", 100 * r.share())));
        }
        return Results.table(t);
    }
}
