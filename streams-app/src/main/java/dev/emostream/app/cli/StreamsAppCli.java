package dev.emostream.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code streams-app}: the Kafka Streams application and its tools. To add a tool, write its command class and
 * add it to {@code subcommands} below.
 */
@Command(name = "streams-app", mixinStandardHelpOptions = true, versionProvider = StreamsAppCli.Version.class,
        description = "Classifies face frames from Kafka into emotion events with a DL4J model.",
        subcommands = {
                RunCommand.class,
                dev.emostream.app.replay.ReplayCommand.class,
                dev.emostream.app.replay.SubmissionCommand.class,
                dev.emostream.app.demo.DemoCommand.class,
                dev.emostream.app.rollout.ModelsCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class StreamsAppCli {

    /** Exit code for a model that cannot serve (missing, corrupt, incompatible). */
    public static final int EXIT_BAD_MODEL = 2;
    /** Exit code for anything else that stops the app before or while running. */
    public static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new StreamsAppCli());
        // A bad model or config ends with one line saying why, not a stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e));
            return e instanceof dev.emostream.model.artifact.ModelArtifactException ? EXIT_BAD_MODEL : EXIT_FAILED;
        });
        return cli;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String line = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Kafka's security errors say what failed ("Failed to process post-handshake messages"), their TLS cause
        // why ("Received fatal alert: bad_certificate"): an operator needs both
        if (root != e && root.getMessage() != null && !line.contains(root.getMessage())) {
            line += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return line.replace('\n', ' ');
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StreamsAppCli.class.getPackage().getImplementationVersion();
            return new String[]{"streams-app " + (v == null ? "dev" : v)};
        }
    }
}
