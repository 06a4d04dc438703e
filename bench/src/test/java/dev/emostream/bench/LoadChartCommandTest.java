package dev.emostream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LoadChartCommand")
class LoadChartCommandTest {

    @TempDir
    Path dir;

    private Path run(String name, long p99At10, long p99At80) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                {"phases": [
                  {"phase": "full", "latencyMsP50": 9000, "latencyMsP95": 9000, "latencyMsP99": 9000},
                  {"phase": "load10", "load": 0.1, "latencyMsP50": 40, "latencyMsP95": 60, "latencyMsP99": %d},
                  {"phase": "load80", "load": 0.8, "latencyMsP50": 90, "latencyMsP95": 150, "latencyMsP99": %d}
                ]}""".formatted(p99At10, p99At80));
        return file;
    }

    @Test
    @DisplayName("each load level's percentiles are the median over the runs; the full-speed phase is not a level")
    void medianPerLevel() throws Exception {
        List<Map<String, Object>> levels = LoadChartCommand.medianLevels(
                List.of(run("a.json", 70, 300), run("b.json", 90, 200), run("c.json", 80, 250)));

        assertThat(levels).hasSize(2);
        assertThat(levels.get(0)).containsEntry("load", 0.1).containsEntry("latencyMsP99", 80.0);
        assertThat(levels.get(1)).containsEntry("load", 0.8).containsEntry("latencyMsP99", 250.0);
    }

    @Test
    @DisplayName("writes a PNG")
    void writesPng() throws Exception {
        Path png = dir.resolve("chart.png");
        int code = BenchCli.commandLine().execute("load-chart", "--out", png.toString(),
                "--before", run("before.json", 100, 400).toString(), run("after.json", 80, 200).toString());

        assertThat(code).isZero();
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
    }
}
