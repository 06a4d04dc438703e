package dev.emostream.app.rollout;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code streams-app models}: the control topic's commands. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {
                "Model rollout through the control topic (rollout.topic, default model-rollout), which every app "
                        + "instance with model.source=topic follows: publish an artifact as champion or challenger, "
                        + "promote or roll back, show the state. A challenger is classified beside the champion on "
                        + "rollout.shadow.share of the frames (events to shadow.topic; on live frames only while the "
                        + "model has spare time, rollout.shadow.yield) until the rule or an operator decides (docs/OPERATIONS.md, \"Rolling out a model\").",
                "Connection settings as for `run` (--config, -p, EMOSTREAM_*).",
        },
        subcommands = {
                PublishCommand.class,
                PromoteCommand.class,
                RollbackCommand.class,
                StatusCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class ModelsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
