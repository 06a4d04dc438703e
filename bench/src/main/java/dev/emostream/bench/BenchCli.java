package dev.emostream.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench}: the serving figures of docs/BENCHMARKS.md, one subcommand per figure. Each prints a table and
 * writes JSON under {@code bench/target/results/}. A program, not a test: numbers from a 2-core VM shared with
 * other work are only comparable within one run, which is why the ratio is always measured in one process.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Serving benchmarks: raw inference, batch norm folded, models side by side, per-frame overheads, end to end, ratio, image formats, growth, soak, scale-out, failover, shadowing.",
        subcommands = {
                RawCommand.class,
                OverheadsCommand.class,
                EndToEndCommand.class,
                FormatsCommand.class,
                AllCommand.class,
                LoadChartCommand.class,
                TinyModelCommand.class,
                EngineCommand.class,
                FoldCommand.class,
                ModelsCommand.class,
                FailoverCommand.class,
                ScaleOutCommand.class,
                ShadowCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class BenchCli {

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // the embedded broker and ND4J leave non-daemon threads behind; a benchmark is done when it has reported
        System.exit(code);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("bench " + cmd.getCommandName() + ": " + (e.getMessage() == null ? e : e.getMessage()));
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli;
    }
}
