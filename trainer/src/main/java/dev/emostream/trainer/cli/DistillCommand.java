package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.trainer.distill.Distillation;
import dev.emostream.trainer.distill.DistillationLoss;
import dev.emostream.trainer.distill.Teachers;
import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.train.TrainingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a student network on its teachers' probabilities plus the true labels (knowledge "
                + "distillation); writes a checkpoint every epoch, the best student on the validation faces as an "
                + "artifact that serves like any other, and the reports train writes.",
                "The teachers run on every batch, on the student's own augmented view (each teacher takes its own "
                        + "centered crop of it), with batch norm folded: 'function matching' (Beyer et al. 2022). "
                        + "Measured (CPU time, batch 64, the sample): an a-v7-sized teacher adds 13%% to a step of an "
                        + "a-v7-sized student with one view, 28%% with its mirror; three teachers of 1.0, 1.3 and 2.2 "
                        + "times its cost add 65%% and 130%%. A bank of outputs precomputed over a few views per face "
                        + "would cost what a train step costs, plus about 1 ms of CPU per face, view and a-v7-sized "
                        + "teacher to build, but it repeats its targets and overfits sooner (models/README.md, "
                        + "\"Distillation\").",
                "Teachers must have been trained on --train with the same validation slice held out (their "
                        + "model.json records it), so that no choice is made on faces a teacher learned from; "
                        + "--allow-other-split accepts others and records it."})
final class DistillCommand implements Callable<Integer> {

    @Option(names = "--teacher", required = true, paramLabel = "FILE", description = "A teacher artifact "
            + "(*.model.zip; an ensemble counts as one teacher); repeat for several, each weighs the same.")
    List<Path> teacherFiles;

    @Option(names = "--temperature", defaultValue = "1", paramLabel = "T", description = "Softmax temperature of the "
            + "soft targets and the student's soft term (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--alpha", defaultValue = "0.9", paramLabel = "A", description = "Weight of the soft targets; the "
            + "true labels get 1 - A (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--teacher-tta", defaultValue = "flip", paramLabel = "VIEWS", description = "The views of the "
            + "student's augmented face each teacher averages, as evaluate's --tta: " + TestTimeAugmentation.CHOICES
            + "; each view is one more forward pass per teacher and step (default: ${DEFAULT-VALUE}).")
    String teacherTta;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        DistillationLoss.checkRange(temperature, alpha);
        TestTimeAugmentation.check(teacherTta, "--teacher-tta");
        ResNetSpec spec = run.spec("resnet5");
        FacePreprocessor preprocessor = run.preprocessor();
        Teachers teachers = Teachers.load(teacherFiles, preprocessor.recipe(),
                recipe -> TestTimeAugmentation.apply(teacherTta, recipe), teacherTta);
        TrainingData data = run.data(preprocessor);
        List<String> otherSplit = teachers.notOnSplit(ModelArtifact.sha256(run.trainCsv), data.validationSplit());
        if (!otherSplit.isEmpty() && !run.allowOtherSplit) {
            throw new IllegalArgumentException("teacher " + otherSplit.get(0) + " was not trained on " + run.trainCsv
                    + " with this run's validation slice held out (its model.json records another or none), so it may "
                    + "have learned the faces this run selects on; train it with the same --val-from-train and "
                    + "--split-seed, or pass --allow-other-split");
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        if (!otherSplit.isEmpty()) {
            facts.put("teachersNotOnThisSplit", otherSplit);
        }
        facts.put("teacherScores", scores(teachers, data));
        return run.train(new Distillation(teachers, temperature, alpha, facts), spec, data, "student");
    }

    /** Each teacher's and the average's accuracy on the validation faces (and the test set, scored only). */
    private static List<Map<String, Object>> scores(Teachers teachers, TrainingData data) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var set : data.test() == null ? List.of(data.validation()) : List.of(data.validation(), data.test())) {
            Teachers.Scores s = teachers.score(set);
            System.out.printf(Locale.ROOT, "teachers on %s: %s, their average %.4f%n", s.dataset(),
                    Arrays.toString(Arrays.stream(s.teachers()).mapToObj(a -> String.format(Locale.ROOT, "%.4f", a))
                            .toArray()), s.ensemble());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataset", s.dataset());
            m.put("teachers", Arrays.stream(s.teachers()).boxed().toList());
            m.put("average", s.ensemble());
            out.add(m);
        }
        return out;
    }
}
