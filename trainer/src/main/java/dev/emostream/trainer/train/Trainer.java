package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.artifact.ValidationMetrics;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.Augmenter;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.data.ValidationSplit;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.report.Durations;
import dev.emostream.trainer.report.MachineInfo;
import dev.emostream.trainer.report.ProcessCpu;
import dev.emostream.trainer.report.TrainingReport;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.util.NetworkUtils;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The training loop: augmented mini-batches fit against a {@link TrainingObjective}'s targets, one
 * {@code fit(DataSet)} per batch, validation after every epoch through the serving classifier (and a test set
 * scored beside it, which chooses nothing), a resumable checkpoint every epoch, and the best model so far on the
 * validation faces (or, with {@code keepLast}, the latest) written as an artifact with its reports.
 */
public final class Trainer {

    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String STATE = "training-state.json";

    private final TrainingOptions o;
    private final TrainingObjective objective;
    private final FaceDataset train;
    private final FaceDataset validation;
    private final FaceDataset test;
    private final Map<String, Object> validationSplit;
    private final Path outDir;
    private final String trainingDataSha256;
    private final PrintStream console;
    private final PreprocessingRecipe recipe;
    private final FacePreprocessor preprocessor;
    /** One batch's pixels, labels and targets, filled in place for every batch: Nd4j.create copies them. */
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final FaceImage[] views;

    public Trainer(TrainingOptions options, TrainingObjective objective, TrainingData data, Path outDir,
                   String trainingDataSha256, PrintStream console) {
        this.o = options;
        this.objective = objective;
        this.train = data.train();
        this.validation = data.validation();
        this.test = data.test();
        this.validationSplit = data.validationSplit();
        this.outDir = outDir;
        this.trainingDataSha256 = trainingDataSha256;
        this.console = console;
        this.recipe = PreprocessingRecipe.fer2013(options.cropSize()).withFlipAverage(options.flipAverage())
                .withCornerCrops(options.cornerCrops());
        this.preprocessor = new FacePreprocessor(recipe);
        this.features = new float[options.batchSize() * recipe.inputLength()];
        this.labels = new int[options.batchSize()];
        this.targets = new float[options.batchSize() * objective.targetWidth()];
        this.views = new FaceImage[options.batchSize()];
    }

    public Path artifactPath() {
        return outDir.resolve(o.version() + ModelArtifact.FILE_SUFFIX);
    }

    public TrainingState run(boolean resume) throws IOException {
        Files.createDirectories(outDir);
        int itersPerEpoch = train.size() / o.batchSize();
        if (itersPerEpoch == 0) {
            throw new IllegalArgumentException("batch size " + o.batchSize() + " is larger than the " + train.size()
                    + " training faces");
        }
        Path checkpoint = outDir.resolve(CHECKPOINT);
        Path statePath = outDir.resolve(STATE);
        ComputationGraph net;
        TrainingState state;
        String validationIds = ValidationSplit.idsSha256(validation);
        if (resume && Files.exists(checkpoint) && Files.exists(statePath)) {
            state = TrainingState.read(statePath);
            checkResumable(state, validationIds);
            net = ModelSerializer.restoreComputationGraph(checkpoint.toFile(), true);
            console.printf("resuming after epoch %d (best %.4f at epoch %d)%n", state.epochsDone, state.bestAccuracy,
                    state.bestEpoch);
            if ("cosine".equals(o.schedule())) {
                // --epochs may differ from the first run's: re-plan the cosine so it still ends at the last epoch.
                NetworkUtils.setLearningRate(net, cosine(itersPerEpoch));
            } else if ("none".equals(o.schedule())) {
                NetworkUtils.setLearningRate(net, o.learningRate());
            }
        } else {
            if (resume) {
                console.println("no checkpoint in " + outDir + ", starting from scratch");
            }
            net = ResNetFactory.buildWithHead(o.spec(), o.cropSize(), updater(itersPerEpoch), o.weightDecay(),
                    objective.head(train.classCounts()), WorkspaceMode.ENABLED, o.seed());
            state = new TrainingState();
            state.plateauLearningRate = o.learningRate();
            if (o.initialWeights() != null) {
                state.initialWeights = startFrom(o.initialWeights(), net);
            }
        }
        state.validationIdsSha256 = validationIds;
        state.objective = objective.identity();
        console.printf("model %s: %s, %,d parameters, input %dx%d, %d epochs of %d batches of %d%n", o.version(),
                o.spec().describe(), net.numParams(), o.cropSize(), o.cropSize(), o.epochs(), itersPerEpoch,
                o.batchSize());

        int b = o.batchSize();
        long runStart = System.nanoTime();
        double secondsBefore = state.trainingSeconds;

        WeightAverage average = WeightAverage.load(outDir, state.averagedEpochs);
        for (int epoch = state.epochsDone + 1; epoch <= o.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            Random random = new Random(o.seed() * 1_000_003L + epoch);
            int[] order = FaceDataset.shuffled(train.size(), random);
            Augmenter augmenter = new Augmenter(preprocessor, o.augmentation(), random.nextLong());
            double lossSum = 0;
            long windowStart = System.nanoTime();
            long windowCpu = ProcessCpu.nanos();
            for (int it = 0; it < itersPerEpoch; it++) {
                fitAndRelease(net, batch(augmenter, order, it, true));
                // score() adds the weight-decay penalty; the curves show the data loss alone.
                lossSum += net.score() - net.calcRegularizationScore(true);
                if ((it + 1) % o.logEvery() == 0 || it + 1 == itersPerEpoch) {
                    double secs = (System.nanoTime() - windowStart) / 1e9;
                    int done = (it + 1);
                    int inWindow = done % o.logEvery() == 0 ? o.logEvery() : done % o.logEvery();
                    double ips = inWindow * b / secs;
                    double cpuMs = (ProcessCpu.nanos() - windowCpu) / 1e6 / inWindow;
                    double epochLeft = (itersPerEpoch - done) * b / ips;
                    double totalLeft = epochLeft + (o.epochs() - epoch) * (itersPerEpoch * b / ips + 20);
                    console.printf(Locale.ROOT, "epoch %d/%d  batch %d/%d  loss %.4f  %.1f img/s  CPU %.0f ms a batch%s  "
                                    + "lr %.2e  ETA epoch %s, run %s%n",
                            epoch, o.epochs(), done, itersPerEpoch, lossSum / done, ips, cpuMs,
                            objective.progressNote(), currentLr(net), Durations.format(epochLeft),
                            Durations.format(totalLeft));
                    windowStart = System.nanoTime();
                    windowCpu = ProcessCpu.nanos();
                }
            }
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            ComputationGraph serving = objective.servingNetwork(net);
            Evaluation eval = evaluate(serving, validation);
            Evaluation testEval = test == null ? null : evaluate(serving, test);
            double trainedAccuracy = eval.confusion().accuracy();
            double accuracy = trainedAccuracy;
            double lr = currentLr(net);
            ComputationGraph chosen = serving;
            Double averagedAccuracy = null;
            Double averagedTestAccuracy = null;
            Double testAccuracy = accuracyOf(testEval);
            if (o.averageFrom() > 0 && epoch >= o.averageFrom()) {
                average.add(net.params());
                average.save(outDir);
                state.averagedEpochs = average.count();
                ComputationGraph averaged = objective.servingNetwork(
                        average.model(net, batches(new Random(random.nextLong()))));
                Evaluation averagedEval = evaluate(averaged, validation);
                Evaluation averagedTestEval = test == null ? null : evaluate(averaged, test);
                averagedAccuracy = averagedEval.confusion().accuracy();
                averagedTestAccuracy = accuracyOf(averagedTestEval);
                console.printf(Locale.ROOT, "weight average of epochs %d-%d: validation accuracy %.4f%s%n",
                        o.averageFrom(), epoch, averagedAccuracy, testNote(averagedTestAccuracy));
                if (o.keepLast() || averagedAccuracy > trainedAccuracy) {
                    chosen = averaged;
                    eval = averagedEval;
                    testEval = averagedTestEval;
                    accuracy = averagedAccuracy;
                }
            }
            state.history.add(new EpochRecord(epoch, lossSum / itersPerEpoch, trainedAccuracy, lr, trainSeconds,
                    itersPerEpoch * (double) b / trainSeconds, averagedAccuracy, testAccuracy, averagedTestAccuracy));
            state.epochsDone = epoch;
            state.trainingSeconds = secondsBefore + (System.nanoTime() - runStart) / 1e9;
            boolean best = o.keepLast() || accuracy > state.bestAccuracy;
            if (best) {
                state.bestAccuracy = accuracy;
                state.bestEpoch = epoch;
                state.epochsSinceBest = 0;
            } else {
                state.epochsSinceBest++;
            }
            console.printf(Locale.ROOT, "epoch %d done in %s: train loss %.4f, validation accuracy %.4f%s%s%n", epoch,
                    Durations.format(trainSeconds), lossSum / itersPerEpoch, trainedAccuracy, testNote(testAccuracy),
                    !best ? "" : " (" + (chosen == serving ? "" : "the weight average: ")
                            + (o.keepLast() ? "kept, the last)" : "best so far)"));
            writeCheckpoint(net, checkpoint);
            if (best) {
                ModelMetadata metadata = metadata(state, chosen != serving,
                        ValidationMetrics.of(validation.name(), eval.confusion()), testEval);
                ModelMetadata written = ModelArtifact.write(artifactPath(), chosen, metadata);
                state.write(statePath);
                TrainingReport.write(outDir, written, state.history,
                        testEval == null ? null : ValidationMetrics.of(test.name(), testEval.confusion()));
                console.println("wrote " + artifactPath());
            } else {
                state.write(statePath);
                TrainingReport.writeCurves(outDir, state.history);
            }
            if ("plateau".equals(o.schedule()) && state.epochsSinceBest > 0
                    && state.epochsSinceBest % o.plateauPatience() == 0) {
                state.plateauLearningRate *= o.plateauFactor();
                NetworkUtils.setLearningRate(net, state.plateauLearningRate);
                state.write(statePath);
                console.printf(Locale.ROOT, "validation accuracy flat for %d epochs: learning rate now %.2e%n",
                        state.epochsSinceBest, state.plateauLearningRate);
            }
            if (o.earlyStoppingPatience() > 0 && state.epochsSinceBest >= o.earlyStoppingPatience()) {
                console.printf("early stop: no better validation accuracy for %d epochs%n", state.epochsSinceBest);
                break;
            }
        }
        return state;
    }

    /** Refuses a checkpoint that selected on other validation faces, or was fit against another objective. */
    private void checkResumable(TrainingState state, String validationIds) {
        if (state.validationIdsSha256 != null && !state.validationIdsSha256.equals(validationIds)) {
            throw new IllegalArgumentException("the checkpoint in " + outDir + " was selected on other validation "
                    + "faces (ids SHA-256 " + state.validationIdsSha256 + ", this run's " + validationIds
                    + "): resume with the same --val or --val-from-train and --split-seed");
        }
        if (!java.util.Objects.equals(state.objective, objective.identity())) {
            throw new IllegalArgumentException("the checkpoint in " + outDir + " was trained against "
                    + (state.objective == null ? "the labels alone" : state.objective) + ", this run against "
                    + (objective.identity() == null ? "the labels alone" : objective.identity()));
        }
    }

    /** Loads {@code file}'s weights into {@code net}; refuses one that may have learned the faces selected on. */
    private String startFrom(Path file, ComputationGraph net) throws IOException {
        ModelArtifact source;
        try {
            source = ModelArtifact.load(file);
        } catch (ModelArtifactException e) {
            throw new IllegalArgumentException("--init " + file + ": " + e.getMessage(), e);
        }
        boolean heldOut = ValidationSplit.heldOutBy(source.metadata(), trainingDataSha256, validationSplit);
        if (!heldOut && !o.initFromOtherSplit()) {
            throw new IllegalArgumentException("--init " + file + " was not trained on this run's training data with "
                    + "its validation slice held out (its model.json records another or none), so selecting on the "
                    + "slice would favour faces it learned; pass --allow-other-split to start from it anyway");
        }
        InitialWeights.copy(source, net);
        String from = source.metadata().version() + " (sha256 " + ModelArtifact.sha256(file) + ")"
                + (heldOut ? "" : ", not trained with this run's validation faces held out");
        console.println("starting from the weights of " + from);
        return from;
    }

    private static Double accuracyOf(Evaluation evaluation) {
        return evaluation == null ? null : evaluation.confusion().accuracy();
    }

    private String testNote(Double testAccuracy) {
        return testAccuracy == null ? "" : String.format(Locale.ROOT, " (%s %.4f, not used to choose)", test.name(),
                testAccuracy);
    }

    private ModelMetadata metadata(TrainingState state, boolean averaged, ValidationMetrics metrics,
                                   Evaluation testEval) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epochs", state.epochsDone);
        training.put("bestEpoch", state.bestEpoch);
        if (o.keepLast()) {
            training.put("kept", "the last epoch's " + (averaged ? "weight average" : "weights")
                    + ", whatever the validation faces said");
        }
        training.put("batchSize", o.batchSize());
        training.put("optimizer", o.optimizer());
        training.put("learningRate", o.learningRate());
        training.put("schedule", o.schedule());
        training.put("weightDecay", o.weightDecay());
        training.put("augment", o.augmentation().describe());
        training.putAll(objective.describe());
        training.put("trainingFaces", train.size());
        training.put("trainingData", train.name());
        if (validationSplit != null) {
            training.put("validationSplit", validationSplit);
        }
        training.put("trainingSeconds", Math.round(state.trainingSeconds));
        training.put("machine", MachineInfo.describe());
        training.put("seed", o.seed());
        if (state.initialWeights != null) {
            training.put("initialWeights", state.initialWeights);
        }
        if (averaged) {
            training.put("weightAverage", "mean of the weights after epochs " + o.averageFrom() + "-" + state.epochsDone
                    + ", batch-norm statistics measured on " + WeightAverage.STATISTICS_BATCHES * o.batchSize()
                    + " augmented training faces");
        }
        if (testEval != null) {
            Map<String, Object> scored = new LinkedHashMap<>();
            scored.put("dataset", test.name());
            scored.put("accuracy", testEval.confusion().accuracy());
            scored.put("use", "scored every epoch, never used to choose");
            training.put("test", scored);
        }
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, o.version(), o.spec().describe(), recipe,
                Emotion.names(), trainingDataSha256, metrics, training, Instant.now().toString(), null);
    }

    private Evaluation evaluate(ComputationGraph model, FaceDataset data) {
        return Evaluation.run(new Dl4jEmotionClassifier(o.version(), model, recipe), data, 256, n -> { });
    }

    /**
     * Augmented training batches in a shuffled order, round and round, for measuring the weight average's batch-norm
     * statistics: their targets are zeros, as nothing is learned from them.
     */
    private Supplier<DataSet> batches(Random random) {
        int[] order = FaceDataset.shuffled(train.size(), random);
        Augmenter augmenter = new Augmenter(preprocessor, o.augmentation(), random.nextLong());
        int perEpoch = train.size() / o.batchSize();
        int[] next = {0};
        return () -> batch(augmenter, order, next[0]++ % perEpoch, false);
    }

    /** Batch {@code it} of an epoch's order, augmented, with the objective's targets (or zeros without). */
    private DataSet batch(Augmenter augmenter, int[] order, int it, boolean withTargets) {
        int b = o.batchSize();
        int len = recipe.inputLength();
        for (int k = 0; k < b; k++) {
            int i = order[it * b + k];
            views[k] = augmenter.augment(train.face(i));
            preprocessor.writeInput(views[k], features, k * len);
            labels[k] = train.label(i);
        }
        if (withTargets) {
            objective.writeTargets(Arrays.asList(views), labels, targets);
        } else {
            Arrays.fill(targets, 0);
        }
        return new DataSet(Nd4j.create(features, new long[]{b, 1, o.cropSize(), o.cropSize()}, 'c'),
                Nd4j.create(targets, new long[]{b, objective.targetWidth()}, 'c'));
    }

    /** Fits one batch and frees its native arrays now rather than at the next garbage collection. */
    static void fitAndRelease(ComputationGraph net, DataSet batch) {
        net.fit(batch);
        batch.getFeatures().close();
        batch.getLabels().close();
    }

    private static void writeCheckpoint(ComputationGraph net, Path checkpoint) throws IOException {
        Path tmp = checkpoint.resolveSibling(checkpoint.getFileName() + ".tmp");
        ModelSerializer.writeModel(net, tmp.toFile(), true);
        Files.move(tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private IUpdater updater(int itersPerEpoch) {
        boolean sgd = "sgd".equals(o.optimizer());
        if ("cosine".equals(o.schedule())) {
            ISchedule schedule = cosine(itersPerEpoch);
            return sgd ? new Nesterovs(schedule, 0.9) : new Adam(schedule);
        }
        return sgd ? new Nesterovs(o.learningRate(), 0.9) : new Adam(o.learningRate());
    }

    private ISchedule cosine(int itersPerEpoch) {
        long total = (long) o.epochs() * itersPerEpoch;
        long warmup = Math.round(o.warmupEpochs() * itersPerEpoch);
        return LearningRates.cosineSchedule(o.learningRate(), o.minLearningRate(), warmup, total, 10);
    }

    private static double currentLr(ComputationGraph net) {
        Double lr = NetworkUtils.getLearningRate(net, "output");
        return lr == null ? Double.NaN : lr;
    }
}
