package dev.emostream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.cli.StreamsAppCli;
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
        Path csv = java.nio.file.Files.writeString(dir.resolve("faces.csv"), "pixels\n");
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
}
