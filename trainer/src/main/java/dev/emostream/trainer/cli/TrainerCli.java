package dev.emostream.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trainer}: train, evaluate and predict on Kaggle FER2013 CSVs. */
@Command(name = "trainer", mixinStandardHelpOptions = true, versionProvider = TrainerCli.Version.class,
        description = "Trains DL4J ResNets on Kaggle FER2013 CSVs (from labels, or distilled from teachers) and scores them.",
        subcommands = {TrainCommand.class, DistillCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, EnsembleCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class TrainerCli {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrainerCli());
        // Bad input ends with one line saying why, not a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("trainer " + cmd.getCommandName() + ": " + CliErrors.oneLine(e));
            return 1;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TrainerCli.class.getPackage().getImplementationVersion();
            return new String[]{"trainer " + (v == null ? "dev" : v)};
        }
    }
}
