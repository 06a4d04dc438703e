package dev.emostream.trainer.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code trainer} in the test's JVM and captures what it printed, and its exit code. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        CommandLine cli = TrainerCli.commandLine();
        StringWriter help = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(help, true));
        cli.setErr(new PrintWriter(err, true));
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true));
        try {
            int code = cli.execute(args);
            return new CliRun(code, help + printed.toString(), err.toString());
        } finally {
            System.setOut(original);
        }
    }
}
