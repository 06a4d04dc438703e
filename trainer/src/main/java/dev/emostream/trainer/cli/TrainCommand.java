package dev.emostream.trainer.cli;

import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.train.HardLabels;
import dev.emostream.trainer.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a residual network on a FER2013 CSV; writes a checkpoint every epoch, the best model on "
                + "the validation faces as an artifact, and reports (report.json, report.md, PNG curves and confusion "
                + "matrix).")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    RunOptions run;

    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing: the true class gets "
            + "1 - e + e/7, every other e/7 (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;
    @Option(names = "--class-weights", description = "Weight the loss by softened inverse class frequency.")
    boolean classWeights;

    @Override
    public Integer call() throws Exception {
        ResNetSpec spec = run.spec("light");
        TrainingData data = run.data(run.preprocessor());
        return run.train(new HardLabels(labelSmoothing, classWeights), spec, data, "resnet");
    }
}
