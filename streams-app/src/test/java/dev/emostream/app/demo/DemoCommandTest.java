package dev.emostream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.cli.StreamsAppCli;
import dev.emostream.model.csv.Fer2013Files;
import picocli.CommandLine;

@DisplayName("streams-app demo, before it starts anything")
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("without a CSV it says where to get the Kaggle FER2013 files and exits 3")
    void noData() {
        CommandLine cli = StreamsAppCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("demo", "--data", dir.resolve("nowhere.csv.gz").toString());
        assertThat(code).isEqualTo(DemoCommand.EXIT_NO_DATA);
        assertThat(err.toString()).contains("no FER2013 CSV at " + dir.resolve("nowhere.csv.gz"))
                .contains("kaggle.com/c/challenges-in-representation-learning-facial-expression-recognition-challenge")
                .contains("--data FILE");
    }

    @Test
    @DisplayName("without a model it says how to train one and exits 2")
    void noModel() throws Exception {
        Path csv = Files.writeString(dir.resolve("faces.csv"), "pixels\n");
        CommandLine cli = StreamsAppCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("demo", "--data", csv.toString(), "--model", dir.resolve("models").toString());
        assertThat(code).isEqualTo(DemoCommand.EXIT_NO_MODEL);
        assertThat(err.toString()).contains("bin/trainer train");
    }

    @Test
    @DisplayName("finds the repository root from the working directory and the FER2013 folder beside it")
    void layout() {
        Path root = RepositoryLayout.rootAbove(Path.of("").toAbsolutePath()).orElseThrow();
        assertThat(root.resolve("streams-app")).isDirectory();
        RepositoryLayout layout = new RepositoryLayout(root);
        assertThat(layout.registryApp().toString()).endsWith("schema-registry/target/quarkus-app/quarkus-run.jar");
    }

    @Test
    @DisplayName("without --data it replays the full public test when it is there, else the bundled sample, saying so in one line")
    void defaultData() throws Exception {
        Path root = Files.createDirectories(dir.resolve("clone/emostream"));
        Path sample = root.resolve(Fer2013Files.SAMPLE_FOLDER).resolve(Fer2013Files.PUBLIC_TEST_SAMPLE);
        Path shared = Files.createDirectories(dir.resolve("clone/shared/data/fer2013"));
        Fer2013Files files = new Fer2013Files(root, null);

        DemoCommand.Replayed bare = DemoCommand.defaultData(files);
        assertThat(bare.csv()).isEqualTo(sample);
        assertThat(bare.note()).hasValueSatisfying(note -> assertThat(note).doesNotContain("\n")
                .contains("bundled sample").contains(shared.toString()).contains("EMOSTREAM_FER2013_DIR")
                .contains("--data"));

        Files.writeString(shared.resolve(Fer2013Files.PUBLIC_TEST), "");
        DemoCommand.Replayed full = DemoCommand.defaultData(files);
        assertThat(full.csv()).isEqualTo(shared.resolve(Fer2013Files.PUBLIC_TEST));
        assertThat(full.note()).isEmpty();
    }

    @Test
    @DisplayName("writes its submission under target/ of the repository, which git ignores")
    void submissionUnderTarget() throws Exception {
        Path root = RepositoryLayout.rootAbove(Path.of("").toAbsolutePath()).orElseThrow();
        Path submission = new RepositoryLayout(root).defaultSubmission();
        assertThat(submission).startsWithRaw(root.resolve("target"));
        assertThat(Files.readAllLines(root.resolve(".gitignore"))).contains("target/");
    }
}
