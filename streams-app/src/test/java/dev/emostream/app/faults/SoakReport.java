package dev.emostream.app.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The soak's result: its checks, the events of the run, every sample; written as {@code soak.json} and
 * {@code soak.md} (the table docs/OPERATIONS.md quotes), and summed up in one line.
 */
final class SoakReport {

    record Check(String name, boolean pass, String detail) {
    }

    record Event(double seconds, String what) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SoakSettings settings;
    private final List<Check> checks = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private double fullSpeed;
    private double targetRate;
    private OutputTally tally;
    private List<MemoryTrend> trends = List.of();
    private List<SoakSampler.Sample> samples = List.of();
    private long sent;
    private long lagEnd;

    SoakReport(SoakSettings settings) {
        this.settings = settings;
    }

    void rates(double fullSpeed, double targetRate) {
        this.fullSpeed = fullSpeed;
        this.targetRate = targetRate;
    }

    synchronized void event(double seconds, String what) {
        events.add(new Event(seconds, what));
    }

    void check(String name, boolean pass, String detail) {
        checks.add(new Check(name, pass, detail));
    }

    void outcome(long sent, long lagEnd, OutputTally tally, List<MemoryTrend> trends,
                 List<SoakSampler.Sample> samples) {
        this.sent = sent;
        this.lagEnd = lagEnd;
        this.tally = tally;
        this.trends = trends;
        this.samples = samples;
    }

    boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::pass);
    }

    List<Check> failed() {
        return checks.stream().filter(c -> !c.pass()).toList();
    }

    String summaryLine() {
        MemoryTrend heap = trend("live heap");
        MemoryTrend rss = trend("RSS");
        return String.format("soak: minutes=%s load=%s rate=%.1f full_speed=%.1f sent=%d emotions=%d rejected=%d "
                        + "lag_end=%d heap_mb_start/end=%d/%d rss_mb_start/end=%d/%d result=%s",
                settings.minutes(), settings.load(), targetRate, fullSpeed, sent,
                tally == null ? -1 : tally.events(), tally == null ? -1 : tally.rejected(), lagEnd,
                heap == null ? -1 : heap.baselineMb(), heap == null ? -1 : heap.endMb(),
                rss == null ? -1 : rss.baselineMb(), rss == null ? -1 : rss.endMb(), passed() ? "PASS" : "FAIL");
    }

    private MemoryTrend trend(String figure) {
        return trends.stream().filter(t -> t.figure().equals(figure)).findFirst().orElse(null);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("summary", summaryLine());
        body.put("settings", settings);
        body.put("fullSpeedFramesPerSecond", fullSpeed);
        body.put("targetFramesPerSecond", targetRate);
        body.put("checks", checks);
        body.put("events", events);
        body.put("tally", tally);
        body.put("memory", trends.stream().map(MemoryTrend::describe).toList());
        body.put("samples", samples);
        JSON.writeValue(dir.resolve("soak.json").toFile(), body);
        Files.writeString(dir.resolve("soak.md"), markdown());
    }

    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Soak\n\n`").append(summaryLine()).append("`\n\n");
        md.append(String.format("%s min at %.0f%% of full speed (%.1f frames/s measured, %.1f frames/s sent); "
                        + "one frame in %d labeled, one in %d bad.%n%n", settings.minutes(), 100 * settings.load(),
                fullSpeed, targetRate, settings.labeledEvery(), settings.badEvery()));
        md.append("| check | result | detail |\n| --- | --- | --- |\n");
        checks.forEach(c -> md.append("| ").append(c.name()).append(" | ").append(c.pass() ? "pass" : "FAIL")
                .append(" | ").append(c.detail()).append(" |\n"));
        md.append("\n| t s | event |\n| --- | --- |\n");
        events.forEach(e -> md.append(String.format("| %.0f | %s |%n", e.seconds(), e.what())));
        md.append("\n| t s | phase | heap MB | old gen after GC MB | live heap MB | RSS MB | lag | sent | classified |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (SoakSampler.Sample s : samples) {
            md.append(String.format("| %.0f | %s | %d | %s | %s | %d | %s | %d | %d |%n", s.seconds(), s.phase(),
                    s.heapUsedMb(), orDash(s.oldGenAfterGcMb()), orDash(s.liveHeapMb()), s.rssMb(), orDash(s.lag()),
                    s.sent(), s.classified()));
        }
        md.append("\n-1 or - : not measured in that sample (live heap: only at forced collections; lag: broker down).\n");
        return md.toString();
    }

    private static String orDash(long v) {
        return v < 0 ? "-" : String.valueOf(v);
    }
}
