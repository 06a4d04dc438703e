package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrainerCliTest {

    private static final String PIXELS = "9 ".repeat(2303) + "9";

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path model() throws Exception {
        return model("tiny-1", 40);
    }

    private Path model(String version, int crop) throws Exception {
        Path file = dir.resolve(version + ModelArtifact.FILE_SUFFIX);
        ResNetSpec spec = new ResNetSpec(8, 3, 2, false, new int[]{8}, new int[]{1}, 0);
        ModelArtifact.write(file, ResNetFactory.build(spec, crop, new Adam(1e-3), 0, null, WorkspaceMode.ENABLED, 1),
                new ModelMetadata(ModelMetadata.FORMAT_VERSION, version, spec.describe(), PreprocessingRecipe.fer2013(crop),
                        Emotion.names(), "sha", null, Map.of(), "2026-11-28T00:00:00Z", null));
        return file;
    }

    @Test
    @DisplayName("every command answers --help")
    void help() {
        for (String command : List.of("train", "distill", "evaluate", "predict", "ensemble", "bench")) {
            CliRun r = run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(TrainerCli.commandLine().getSubcommands().get(command).getUsageMessage())
                    .contains("Usage: trainer " + command);
        }
    }

    @Test
    @DisplayName("evaluate --json prints one object with accuracy, n, perClass, confusion and modelVersion")
    void evaluateJson() throws Exception {
        Path csv = dir.resolve("faces.csv");
        Files.writeString(csv, "emotion,pixels\n3," + PIXELS + "\n4," + PIXELS + "\n");
        CliRun r = run("evaluate", "--data", csv.toString(), "--model", model().toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("n").asInt()).isEqualTo(2);
        assertThat(json.get("modelVersion").asText()).isEqualTo("tiny-1");
        assertThat(json.get("accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("perClass").size()).isEqualTo(7);
        assertThat(json.get("confusion").size()).isEqualTo(7);
    }

    @Test
    @DisplayName("evaluate averages several models, each with its own crop, and --val-from-train scores only the slice")
    void evaluateSeveralOnTheSlice() throws Exception {
        Path csv = dir.resolve("faces.csv");
        Files.writeString(csv, "emotion,pixels\n" + ("3," + PIXELS + "\n4," + PIXELS + "\n").repeat(10));
        CliRun r = run("evaluate", "--data", csv.toString(), "--model", model("tiny-1", 40).toString(), "--model",
                model("tiny-2", 32).toString(), "--val-from-train", "0.5", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("modelVersion").asText()).isEqualTo("tiny-1+tiny-2");
        assertThat(json.get("n").asInt()).isEqualTo(10);
        assertThat(json.get("dataset").asText()).contains("validation slice 0.5");
    }

    @Test
    @DisplayName("predict writes id,emotion in input order, with row numbers when the CSV has no ids")
    void predictSubmission() throws Exception {
        Path csv = dir.resolve("test.csv");
        Files.writeString(csv, "pixels\n" + PIXELS + "\n" + PIXELS + "\n" + PIXELS + "\n");
        Path sub = dir.resolve("submission.csv");
        CliRun r = run("predict", "--data", csv.toString(), "--model", model().toString(), "--out", sub.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(sub);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("id,emotion");
        assertThat(lines.subList(1, 4)).extracting(l -> l.split(",")[0]).containsExactly("0", "1", "2");
    }

    @Test
    @DisplayName("a malformed CSV ends with exit code 1 and one line naming the file and line")
    void malformedCsv() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "emotion,pixels\n3," + PIXELS + "\n8," + PIXELS + "\n");
        CliRun r = run("evaluate", "--data", csv.toString(), "--model", model().toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).contains("line 3").contains("out of range").doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    @DisplayName("a missing model ends with exit code 1 and a one-line reason")
    void missingModel() throws Exception {
        Path csv = dir.resolve("faces.csv");
        Files.writeString(csv, "emotion,pixels\n3," + PIXELS + "\n");
        CliRun r = run("evaluate", "--data", csv.toString(), "--model", dir.resolve("nope.model.zip").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
    }
}
