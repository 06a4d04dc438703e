package dev.emostream.app.testing;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.emostream.app.cli.StreamsAppCli;
import picocli.CommandLine;

/** One run of the {@code streams-app} command line inside the test JVM, with its exit code and what it printed. */
public record CliRun(int code, String out, String err) {

    public static CliRun of(String... args) {
        CommandLine cli = StreamsAppCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
