package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.train.Trainer;
import dev.emostream.trainer.train.TrainingOptions;
import dev.emostream.trainer.train.TrainingState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a residual network on a FER2013 CSV; writes a checkpoint every epoch, the best model as "
                + "an artifact, and reports (report.json, report.md, PNG curves and confusion matrix).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "CSV", description = "Training CSV with labels.")
    Path trainCsv;

    @ArgGroup(exclusive = true)
    Validation validation = new Validation();

    static final class Validation {
        @Option(names = "--val", paramLabel = "CSV", description = "Labeled CSV to select the model on.")
        Path csv;
        @Option(names = "--val-split", paramLabel = "FRACTION", description = "Hold out this share of --train instead "
                + "(default 0.1 when --val is not given).")
        Double split;
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the artifact, checkpoint and reports.")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--model-version", paramLabel = "NAME", description = "Model version (default: resnet-<date>-<time>).")
    String version;

    @Option(names = "--arch", defaultValue = "light", description = "light | resnet34 | custom (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--widths", split = ",", paramLabel = "N", description = "Channels per stage, for --arch custom.")
    int[] widths;
    @Option(names = "--blocks", split = ",", paramLabel = "N", description = "Blocks per stage, for --arch custom.")
    int[] blocks;
    @Option(names = "--stem", paramLabel = "KxK/S:C", description = "Stem for --arch custom, e.g. 3x3/2:32 or 3x3/1:32.")
    String stem;
    @Option(names = "--dropout", paramLabel = "P", description = "Dropout before the classifier (default: the arch's).")
    Double dropout;

    @Option(names = "--crop", defaultValue = "40", description = "Input crop of the 48x48 face (default: ${DEFAULT-VALUE}).")
    int crop;
    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam | sgd (Nesterov, momentum 0.9) (default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--lr", defaultValue = "0.002", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--min-lr", defaultValue = "0.00002", description = "Final learning rate of the cosine schedule (default: ${DEFAULT-VALUE}).")
    double minLr;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "Decoupled weight decay, AdamW style: scaled by the learning rate (default: ${DEFAULT-VALUE}).")
    double weightDecay;
    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine | plateau | none (constant --lr) (default: ${DEFAULT-VALUE}).")
    String schedule;
    @Option(names = "--warmup-epochs", defaultValue = "0.3", description = "Linear warm-up for cosine (default: ${DEFAULT-VALUE}).")
    double warmupEpochs;
    @Option(names = "--plateau-patience", defaultValue = "2", description = "Epochs without improvement before the plateau schedule cuts the rate (default: ${DEFAULT-VALUE}).")
    int plateauPatience;
    @Option(names = "--plateau-factor", defaultValue = "0.3", description = "Plateau cut factor (default: ${DEFAULT-VALUE}).")
    double plateauFactor;
    @Option(names = "--early-stop", defaultValue = "0", description = "Stop after this many epochs without a better validation accuracy; 0 = never (default: ${DEFAULT-VALUE}).")
    int earlyStop;
    @Option(names = "--average-from", defaultValue = "0", paramLabel = "EPOCH", description = "Stochastic weight "
            + "averaging: from this epoch on, also score the mean of the weights at each epoch's end (batch-norm "
            + "statistics measured afresh) and keep it when it scores better; pair with --schedule none. 0 = off "
            + "(default: ${DEFAULT-VALUE}).")
    int averageFrom;
    @Option(names = "--no-augment", description = "Train on centered crops only.")
    boolean noAugment;
    @Option(names = "--rotation", defaultValue = "10", description = "Max random rotation, degrees (default: ${DEFAULT-VALUE}).")
    double rotation;
    @Option(names = "--scale", defaultValue = "0.1", description = "Max random scale change (default: ${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--erasing", defaultValue = "0", description = "Probability of random erasing: a rectangle of "
            + "2-20%% of the crop set to the crop's mean (default: ${DEFAULT-VALUE}).")
    double erasing;
    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing: the true class gets "
            + "1 - e + e/7, every other e/7 (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;
    @Option(names = "--class-weights", description = "Weight the loss by softened inverse class frequency.")
    boolean classWeights;
    @Option(names = "--tta", defaultValue = "flip", description = "Test-time augmentation recorded in the artifact: "
            + TestTimeAugmentation.CHOICES + " (default: ${DEFAULT-VALUE}).")
    String tta;
    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--log-every", defaultValue = "50", description = "Batches per progress line (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() throws Exception {
        ResNetSpec spec = spec();
        String modelVersion = version != null ? version
                : "resnet-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
        TrainingOptions options = new TrainingOptions(spec, crop, epochs, batch, optimizer, lr, minLr, weightDecay,
                schedule, warmupEpochs, plateauPatience, plateauFactor, earlyStop, averageFrom, !noAugment, rotation, scale, erasing, labelSmoothing,
                classWeights, TestTimeAugmentation.flip(tta), TestTimeAugmentation.corners(tta), seed, logEvery,
                modelVersion);
        FacePreprocessor preprocessor = new FacePreprocessor(PreprocessingRecipe.fer2013(crop));
        System.out.println("reading " + trainCsv);
        FaceDataset all = FaceDataset.read(trainCsv, preprocessor);
        if (!all.labeled()) {
            throw new IllegalArgumentException(trainCsv + " has no emotion labels");
        }
        FaceDataset train = all;
        FaceDataset val;
        if (validation.csv != null) {
            val = FaceDataset.read(validation.csv, preprocessor);
        } else {
            FaceDataset[] parts = all.split(validation.split == null ? 0.1 : validation.split, seed);
            train = parts[0];
            val = parts[1];
        }
        System.out.printf("%d training faces %s, %d validation faces (%s)%n", train.size(),
                Arrays.toString(train.classCounts()), val.size(), val.name());
        Trainer trainer = new Trainer(options, train, val, out, ModelArtifact.sha256(trainCsv), System.out);
        TrainingState state = trainer.run(resume);
        System.out.printf("best validation accuracy %.4f at epoch %d: %s%n", state.bestAccuracy, state.bestEpoch,
                trainer.artifactPath());
        return 0;
    }

    private ResNetSpec spec() {
        ResNetSpec base = switch (arch) {
            case "light" -> ResNetSpec.light();
            case "resnet34" -> ResNetSpec.resnet34();
            case "custom" -> {
                if (widths == null || blocks == null || stem == null) {
                    throw new IllegalArgumentException("--arch custom needs --widths, --blocks and --stem");
                }
                yield custom();
            }
            default -> throw new IllegalArgumentException("unknown --arch '" + arch + "': use light, resnet34 or custom");
        };
        return dropout == null ? base : new ResNetSpec(base.stemChannels(), base.stemKernel(), base.stemStride(),
                base.stemPool(), base.widths(), base.blocks(), dropout);
    }

    private ResNetSpec custom() {
        // KxK/S:C, optionally +pool
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)x\\1/(\\d+):(\\d+)(\\+pool)?").matcher(stem);
        if (!m.matches()) {
            throw new IllegalArgumentException("--stem '" + stem + "' is not of the form KxK/S:C (e.g. 3x3/2:32)");
        }
        return new ResNetSpec(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(4) != null, widths, blocks, 0.2);
    }
}
