package dev.emostream.trainer.train;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.artifact.ValidationMetrics;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.Augmenter;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.report.Durations;
import dev.emostream.trainer.report.MachineInfo;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The training loop: augmented mini-batches, one {@code fit(DataSet)} per batch, validation after
 * every epoch through the serving classifier, a resumable checkpoint every epoch, and the best
 * model so far written as an artifact with its reports.
 */
public final class Trainer {

    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String STATE = "training-state.json";

    private final TrainingOptions o;
    private final FaceDataset train;
    private final FaceDataset validation;
    private final Path outDir;
    private final String trainingDataSha256;
    private final PrintStream console;
    private final PreprocessingRecipe recipe;
    /** One batch's pixels and labels, filled in place for every batch: Nd4j.create copies them. */
    private final float[] features;
    private final float[] labels;

    public Trainer(TrainingOptions options, FaceDataset train, FaceDataset validation, Path outDir,
                   String trainingDataSha256, PrintStream console) {
        this.o = options;
        this.train = train;
        this.validation = validation;
        this.outDir = outDir;
        this.trainingDataSha256 = trainingDataSha256;
        this.console = console;
        this.recipe = PreprocessingRecipe.fer2013(options.cropSize()).withFlipAverage(options.flipAverage())
                .withCornerCrops(options.cornerCrops());
        this.features = new float[options.batchSize() * recipe.inputLength()];
        this.labels = new float[options.batchSize() * Emotion.COUNT];
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
        if (resume && Files.exists(checkpoint) && Files.exists(statePath)) {
            net = ModelSerializer.restoreComputationGraph(checkpoint.toFile(), true);
            state = TrainingState.read(statePath);
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
            net = ResNetFactory.build(o.spec(), o.cropSize(), updater(itersPerEpoch), o.weightDecay(),
                    o.classWeights() ? classWeights(train.classCounts()) : null, WorkspaceMode.ENABLED, o.seed());
            state = new TrainingState();
            state.plateauLearningRate = o.learningRate();
        }
        console.printf("model %s: %s, %,d parameters, input %dx%d, %d epochs of %d batches of %d%n", o.version(),
                o.spec().describe(), net.numParams(), o.cropSize(), o.cropSize(), o.epochs(), itersPerEpoch,
                o.batchSize());

        FacePreprocessor preprocessor = new FacePreprocessor(recipe);
        int b = o.batchSize();
        long runStart = System.nanoTime();
        double secondsBefore = state.trainingSeconds;

        WeightAverage average = WeightAverage.load(outDir, state.averagedEpochs);
        for (int epoch = state.epochsDone + 1; epoch <= o.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            Random random = new Random(o.seed() * 1_000_003L + epoch);
            int[] order = FaceDataset.shuffled(train.size(), random);
            Augmenter augmenter = new Augmenter(preprocessor, o.augment(), o.rotationDegrees(), o.scale(), o.erasing(),
                    random.nextLong());
            double lossSum = 0;
            long windowStart = System.nanoTime();
            for (int it = 0; it < itersPerEpoch; it++) {
                fitAndRelease(net, batch(augmenter, order, it));
                // score() adds the weight-decay penalty; the curves show the data loss alone.
                lossSum += net.score() - net.calcRegularizationScore(true);
                if ((it + 1) % o.logEvery() == 0 || it + 1 == itersPerEpoch) {
                    double secs = (System.nanoTime() - windowStart) / 1e9;
                    int done = (it + 1);
                    double ips = (done % o.logEvery() == 0 ? o.logEvery() : done % o.logEvery()) * b / secs;
                    double epochLeft = (itersPerEpoch - done) * b / ips;
                    double totalLeft = epochLeft + (o.epochs() - epoch) * (itersPerEpoch * b / ips + 20);
                    console.printf(Locale.ROOT, "epoch %d/%d  batch %d/%d  loss %.4f  %.1f img/s  lr %.2e  ETA epoch %s, run %s%n",
                            epoch, o.epochs(), done, itersPerEpoch, lossSum / done, ips, currentLr(net),
                            Durations.format(epochLeft), Durations.format(totalLeft));
                    windowStart = System.nanoTime();
                }
            }
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            Evaluation eval = evaluate(net);
            double trainedAccuracy = eval.confusion().accuracy();
            double accuracy = trainedAccuracy;
            double lr = currentLr(net);
            ComputationGraph chosen = net;
            Double averagedAccuracy = null;
            if (o.averageFrom() > 0 && epoch >= o.averageFrom()) {
                average.add(net.params());
                average.save(outDir);
                state.averagedEpochs = average.count();
                ComputationGraph averaged = average.model(net, batches(preprocessor, new Random(random.nextLong())));
                Evaluation averagedEval = evaluate(averaged);
                averagedAccuracy = averagedEval.confusion().accuracy();
                console.printf(Locale.ROOT, "weight average of epochs %d-%d: validation accuracy %.4f%n",
                        o.averageFrom(), epoch, averagedAccuracy);
                if (averagedAccuracy > trainedAccuracy) {
                    chosen = averaged;
                    eval = averagedEval;
                    accuracy = averagedAccuracy;
                }
            }
            state.history.add(new EpochRecord(epoch, lossSum / itersPerEpoch, trainedAccuracy, lr, trainSeconds,
                    itersPerEpoch * (double) b / trainSeconds, averagedAccuracy));
            state.epochsDone = epoch;
            state.trainingSeconds = secondsBefore + (System.nanoTime() - runStart) / 1e9;
            boolean best = accuracy > state.bestAccuracy;
            if (best) {
                state.bestAccuracy = accuracy;
                state.bestEpoch = epoch;
                state.epochsSinceBest = 0;
            } else {
                state.epochsSinceBest++;
            }
            console.printf(Locale.ROOT, "epoch %d done in %s: train loss %.4f, validation accuracy %.4f%s%n", epoch,
                    Durations.format(trainSeconds), lossSum / itersPerEpoch, trainedAccuracy,
                    best ? (chosen == net ? " (best so far)" : " (the weight average: best so far)") : "");
            writeCheckpoint(net, checkpoint);
            if (best) {
                ModelMetadata metadata = metadata(state, chosen != net,
                        ValidationMetrics.of(validation.name(), eval.confusion()));
                ModelMetadata written = ModelArtifact.write(artifactPath(), chosen, metadata);
                state.write(statePath);
                TrainingReport.write(outDir, written, state.history);
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

    private ModelMetadata metadata(TrainingState state, boolean averaged, ValidationMetrics metrics) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("epochs", state.epochsDone);
        training.put("bestEpoch", state.bestEpoch);
        training.put("batchSize", o.batchSize());
        training.put("optimizer", o.optimizer());
        training.put("learningRate", o.learningRate());
        training.put("schedule", o.schedule());
        training.put("weightDecay", o.weightDecay());
        training.put("augment", o.augment() ? "random crop, flip, rotation +-" + o.rotationDegrees()
                + " deg, scale +-" + o.scale() + (o.erasing() > 0 ? ", random erasing p=" + o.erasing() : "") : "none");
        training.put("labelSmoothing", o.labelSmoothing());
        training.put("classWeights", o.classWeights());
        training.put("trainingFaces", train.size());
        training.put("trainingData", train.name());
        training.put("trainingSeconds", Math.round(state.trainingSeconds));
        training.put("machine", MachineInfo.describe());
        training.put("seed", o.seed());
        if (averaged) {
            training.put("weightAverage", "mean of the weights after epochs " + o.averageFrom() + "-" + state.epochsDone
                    + ", batch-norm statistics measured on " + WeightAverage.STATISTICS_BATCHES * o.batchSize()
                    + " augmented training faces");
        }
        return new ModelMetadata(ModelMetadata.FORMAT_VERSION, o.version(), o.spec().describe(), recipe,
                Emotion.names(), trainingDataSha256, metrics, training, Instant.now().toString(), null);
    }

    private Evaluation evaluate(ComputationGraph model) {
        return Evaluation.run(new Dl4jEmotionClassifier(o.version(), model, recipe), validation, 256, n -> { });
    }

    /** Augmented training batches in a shuffled order, round and round. */
    private Supplier<DataSet> batches(FacePreprocessor preprocessor, Random random) {
        int[] order = FaceDataset.shuffled(train.size(), random);
        Augmenter augmenter = new Augmenter(preprocessor, o.augment(), o.rotationDegrees(), o.scale(), o.erasing(),
                random.nextLong());
        int perEpoch = train.size() / o.batchSize();
        int[] next = {0};
        return () -> batch(augmenter, order, next[0]++ % perEpoch);
    }

    /** Batch {@code it} of an epoch's order, augmented, with (smoothed) one-hot labels. */
    private DataSet batch(Augmenter augmenter, int[] order, int it) {
        int b = o.batchSize();
        int len = recipe.inputLength();
        float offTarget = (float) (o.labelSmoothing() / Emotion.COUNT);
        java.util.Arrays.fill(labels, offTarget);
        for (int k = 0; k < b; k++) {
            int i = order[it * b + k];
            augmenter.write(train.face(i), features, k * len);
            labels[k * Emotion.COUNT + train.label(i)] = (float) (1 - o.labelSmoothing()) + offTarget;
        }
        return new DataSet(Nd4j.create(features, new long[]{b, 1, o.cropSize(), o.cropSize()}, 'c'),
                Nd4j.create(labels, new long[]{b, Emotion.COUNT}, 'c'));
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

    /** Inverse-frequency weights, normalized to a mean of 1, square-rooted to soften the rare Disgust class. */
    static double[] classWeights(int[] counts) {
        double[] w = new double[counts.length];
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            w[i] = Math.sqrt(1.0 / Math.max(1, counts[i]));
            sum += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] * w.length / sum;
        }
        return w;
    }
}
