package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.Augmentation;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.data.ValidationSplit;
import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.train.Trainer;
import dev.emostream.trainer.train.TrainingData;
import dev.emostream.trainer.train.TrainingObjective;
import dev.emostream.trainer.train.TrainingOptions;
import dev.emostream.trainer.train.TrainingState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code train} and {@code distill} share: the data and its split, the network, the schedule, augmentation. */
final class RunOptions {

    @Option(names = "--train", required = true, paramLabel = "CSV", description = "Training CSV with labels.")
    Path trainCsv;

    @ArgGroup(exclusive = true)
    Validation validation = new Validation();

    static final class Validation {
        @Option(names = "--val", paramLabel = "CSV", description = "Labeled CSV to select on (the epoch, the weight "
                + "average, early stopping).")
        Path csv;
        @Option(names = "--val-from-train", paramLabel = "FRACTION", description = "Select on this share of --train "
                + "instead, held out of training: per class, by face id, seeded by --split-seed, so every run on the "
                + "same file holds out the same faces (default 0.1 when --val is not given).")
        Double fromTrain;
        /** The earlier name of --val-from-train. */
        @Option(names = "--val-split", hidden = true, paramLabel = "FRACTION")
        Double split;

        double fraction() {
            return fromTrain != null ? fromTrain : split != null ? split : 0.1;
        }
    }

    @Option(names = "--split-seed", defaultValue = ValidationSplit.DEFAULT_SEED, description = "Seed of the "
            + "--val-from-train slice; the same for every run that shares the slice (teachers, students), whatever "
            + "their --seed (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--test", paramLabel = "CSV", description = "Labeled CSV scored and reported every epoch beside "
            + "the validation faces; it never chooses anything.")
    Path testCsv;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the artifact, checkpoint and reports.")
    Path out;

    @Option(names = "--resume", description = "Continue from the checkpoint in --out.")
    boolean resume;

    @Option(names = "--init", paramLabel = "FILE", description = "Start from this artifact's weights instead of "
            + "random ones (a network of this --arch, trained on --train with this run's validation slice "
            + "held out, or see --allow-other-split), e.g. a student that begins as a teacher; a checkpoint "
            + "--resume finds comes first.")
    Path init;

    @Option(names = "--allow-other-split", description = "Accept teachers (distill) and an --init artifact not "
            + "trained on --train with this run's validation slice held out (e.g. the shipped model): they may have "
            + "learned the faces this run selects on; recorded in model.json.")
    boolean allowOtherSplit;

    @Option(names = "--keep", defaultValue = "best", description = "best | last: the artifact is the best epoch on the "
            + "validation faces (or its weight average), or the last epoch's weights (its weight average when "
            + "averaging), a choice no validation face makes (default: ${DEFAULT-VALUE}).")
    String keep;

    @Option(names = "--model-version", paramLabel = "NAME", description = "Model version (default: <kind>-<date>-<time>).")
    String version;

    @Option(names = "--arch", description = "light | resnet5 (the shipped model's) | resnet34 | custom (default: light "
            + "for train, resnet5 for distill).")
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
    @Option(names = "--scale", defaultValue = "0.1", description = "Max random scale change: 0.2 draws the face at "
            + "0.8-1.2 times its size before the random crop (default: ${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--shift", defaultValue = "0", description = "Max random shift beyond the random crop's own, as a "
            + "share of the face side (the crop alone moves +-4 px at --crop 40) (default: ${DEFAULT-VALUE}).")
    double shift;
    @Option(names = "--erasing", defaultValue = "0", description = "Probability of random erasing: a rectangle of "
            + "2-20%% of the crop set to the crop's mean (default: ${DEFAULT-VALUE}).")
    double erasing;
    @Option(names = "--tta", defaultValue = "flip", description = "Test-time augmentation recorded in the artifact: "
            + TestTimeAugmentation.CHOICES + " (default: ${DEFAULT-VALUE}).")
    String tta;
    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the weights, the order and the "
            + "augmentation (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--log-every", defaultValue = "50", description = "Batches per progress line (default: ${DEFAULT-VALUE}).")
    int logEvery;

    /** The input the network is trained on. */
    FacePreprocessor preprocessor() {
        return new FacePreprocessor(PreprocessingRecipe.fer2013(crop));
    }

    /** Reads --train (and --val, --test), carving the validation slice out of --train unless --val names a file. */
    TrainingData data(FacePreprocessor preprocessor) throws IOException {
        System.out.println("reading " + trainCsv);
        FaceDataset all = FaceDataset.read(trainCsv, preprocessor);
        if (!all.labeled()) {
            throw new IllegalArgumentException(trainCsv + " has no emotion labels");
        }
        FaceDataset train;
        FaceDataset val;
        Map<String, Object> split;
        if (validation.csv != null) {
            train = all;
            val = labeled(validation.csv, preprocessor);
            split = new LinkedHashMap<>();
            split.put("csv", val.name());
            split.put("faces", val.size());
            split.put("idsSha256", ValidationSplit.idsSha256(val));
        } else {
            ValidationSplit carved = ValidationSplit.carve(all, validation.fraction(), splitSeed);
            train = carved.train();
            val = carved.validation();
            split = carved.describe();
        }
        FaceDataset test = testCsv == null ? null : labeled(testCsv, preprocessor);
        System.out.printf("%d training faces %s, %d validation faces %s (%s)%s%n", train.size(),
                Arrays.toString(train.classCounts()), val.size(), Arrays.toString(val.classCounts()), val.name(),
                test == null ? "" : ", " + test.size() + " test faces scored only (" + test.name() + ")");
        return new TrainingData(train, val, test, split);
    }

    private static FaceDataset labeled(Path csv, FacePreprocessor preprocessor) throws IOException {
        FaceDataset data = FaceDataset.read(csv, preprocessor);
        if (!data.labeled()) {
            throw new IllegalArgumentException(csv + " has no emotion labels to select or score on");
        }
        return data;
    }

    /** Trains against {@code objective} and says where the best model went; the exit code. */
    int train(TrainingObjective objective, ResNetSpec spec, TrainingData data, String versionPrefix) throws IOException {
        String modelVersion = version != null ? version
                : versionPrefix + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
        TrainingOptions options = new TrainingOptions(spec, crop, epochs, batch, optimizer, lr, minLr, weightDecay,
                schedule, warmupEpochs, plateauPatience, plateauFactor, earlyStop, averageFrom,
                new Augmentation(!noAugment, rotation, scale, shift, erasing), TestTimeAugmentation.flip(tta),
                TestTimeAugmentation.corners(tta), seed, logEvery, modelVersion, init, allowOtherSplit, keepLast());
        Trainer trainer = new Trainer(options, objective, data, out, ModelArtifact.sha256(trainCsv), System.out);
        TrainingState state = trainer.run(resume);
        System.out.printf("best validation accuracy %.4f at epoch %d: %s%n", state.bestAccuracy, state.bestEpoch,
                trainer.artifactPath());
        return 0;
    }

    private boolean keepLast() {
        return switch (keep) {
            case "best" -> false;
            case "last" -> {
                // plateau cuts and early stopping are choices the validation faces make
                if ("plateau".equals(schedule) || earlyStop > 0) {
                    throw new IllegalArgumentException("--keep last takes no choice from the validation faces: use "
                            + "it without --schedule plateau and --early-stop");
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("unknown --keep '" + keep + "': use best or last");
        };
    }

    /** The network --arch names, {@code defaultArch} when none. */
    ResNetSpec spec(String defaultArch) {
        String name = arch == null ? defaultArch : arch;
        ResNetSpec base = switch (name) {
            case "light" -> ResNetSpec.light();
            case "resnet5" -> ResNetSpec.resnet5();
            case "resnet34" -> ResNetSpec.resnet34();
            case "custom" -> {
                if (widths == null || blocks == null || stem == null) {
                    throw new IllegalArgumentException("--arch custom needs --widths, --blocks and --stem");
                }
                yield custom();
            }
            default -> throw new IllegalArgumentException("unknown --arch '" + name
                    + "': use light, resnet5, resnet34 or custom");
        };
        return dropout == null ? base : new ResNetSpec(base.stemChannels(), base.stemKernel(), base.stemStride(),
                base.stemPool(), base.widths(), base.blocks(), dropout);
    }

    private ResNetSpec custom() {
        // KxK/S:C, optionally +pool
        Matcher m = Pattern.compile("(\\d+)x\\1/(\\d+):(\\d+)(\\+pool)?").matcher(stem);
        if (!m.matches()) {
            throw new IllegalArgumentException("--stem '" + stem + "' is not of the form KxK/S:C (e.g. 3x3/2:32)");
        }
        return new ResNetSpec(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(4) != null, widths, blocks, 0.2);
    }
}
