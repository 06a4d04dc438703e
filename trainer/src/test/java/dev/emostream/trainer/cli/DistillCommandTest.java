package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelLocator;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.csv.Fer2013Files;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.train.Evaluation;
import dev.emostream.trainer.train.Trainer;
import dev.emostream.trainer.train.TrainingState;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("trainer distill")
class DistillCommandTest {

    private static final Logger LOG = LoggerFactory.getLogger(DistillCommandTest.class);
    private static final Fer2013Files DATA = Fer2013Files.find();
    private static final String TRAIN = DATA.sample(Fer2013Files.TRAIN_SAMPLE).toString();
    private static final String TEST = DATA.sample(Fer2013Files.PUBLIC_TEST_SAMPLE).toString();

    @TempDir
    Path dir;

    /** The shipped model: trained on all of FER2013's Training (the sample's faces too), so a strong teacher here. */
    private static String shippedModel() throws Exception {
        return ModelLocator.resolve(DATA.sampleFolder().resolve("../../models").normalize()).toString();
    }

    private static String[] args(String... args) {
        return args;
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(first));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }

    @Test
    @DisplayName("a small student distilled briefly from the shipped model on the sample beats chance, resumes from "
            + "its checkpoint, and its artifact serves softmax probabilities that evaluate scores")
    void learnsResumesAndServes() throws Exception {
        Path out = dir.resolve("student");
        String[] run = args("distill", "--teacher", shippedModel(), "--allow-other-split", "--train", TRAIN,
                "--val-from-train", "0.2", "--test", TEST, "--out", out.toString(), "--model-version", "student-test",
                "--arch", "custom", "--stem", "3x3/2:16", "--widths", "16,32,64", "--blocks", "1,1,1", "--dropout", "0",
                "--crop", "32", "--batch", "32", "--lr", "3e-3", "--min-lr", "1e-4", "--warmup-epochs", "0.2",
                "--rotation", "5", "--scale", "0.05", "--seed", "7", "--log-every", "1000", "--teacher-tta", "none");
        CliRun first = CliRun.of(concat(run, "--epochs", "11"));
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("teachers on train_sample.csv.gz (validation slice").contains(" ms a batch (teachers ");

        CliRun resumed = CliRun.of(concat(run, "--epochs", "12", "--resume"));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming after epoch 11");
        TrainingState state = TrainingState.read(out.resolve(Trainer.STATE));
        assertThat(state.history).extracting(r -> r.epoch()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(state.history).allSatisfy(r -> assertThat(r.testAccuracy()).isNotNull());

        Path student = out.resolve("student-test" + ModelArtifact.FILE_SUFFIX);
        ModelArtifact artifact = ModelArtifact.load(student);
        FaceDataset test = FaceDataset.read(Path.of(TEST), new FacePreprocessor(artifact.metadata().preprocessing()));
        Evaluation evaluation = Evaluation.run(new Dl4jEmotionClassifier(artifact), test, 256, n -> { });
        double majority = Arrays.stream(test.classCounts()).max().orElseThrow() / (double) test.size();
        LOG.info("distilled student: {} on the test sample after {} epochs; majority class {}",
                evaluation.confusion().accuracy(), state.history.size(), majority);
        assertThat(evaluation.confusion().accuracy()).as("vs always the majority class (%.3f); log:%n%s%s", majority,
                first.out(), resumed.out()).isGreaterThan(majority + 0.05);
        for (EmotionPrediction p : evaluation.predictions()) {
            double sum = 0;
            for (float s : p.scores()) {
                assertThat(s).isBetween(0f, 1f);
                sum += s;
            }
            assertThat(sum).isCloseTo(1, within(1e-4));
        }

        CliRun evaluated = CliRun.of("evaluate", "--data", TEST, "--model", student.toString(), "--json");
        assertThat(evaluated.code()).as(evaluated.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(evaluated.out());
        assertThat(json.get("accuracy").asDouble()).isEqualTo(evaluation.confusion().accuracy());

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.at("/training/validationSplit/idsSha256").asText()).hasSize(64);
        assertThat(report.at("/training/validationSplit/faces").asInt()).isEqualTo(320);
        assertThat(report.at("/training/temperature").asDouble()).isEqualTo(1.0);
        assertThat(report.at("/training/teachersNotOnThisSplit").size()).isEqualTo(1);
        assertThat(report.at("/test/dataset").asText()).isEqualTo("public_test_sample.csv.gz");
        assertThat(out.resolve("training-curves.png")).exists();
        assertThat(out.resolve("confusion-matrix.png")).exists();

        CliRun otherSplit = CliRun.of(concat(run, "--epochs", "13", "--resume", "--split-seed", "2"));
        assertThat(otherSplit.code()).isEqualTo(1);
        assertThat(otherSplit.err()).contains("other validation faces");
    }

    @Test
    @DisplayName("--init starts a student from a teacher's weights and records it; a network of another shape or "
            + "from another split is refused in one line")
    void startsFromATeachersWeights() throws Exception {
        String[] shape = args("--train", TRAIN, "--val-from-train", "0.2", "--arch", "custom", "--stem", "3x3/2:16",
                "--blocks", "1,1", "--dropout", "0", "--crop", "32", "--batch", "32", "--log-every", "1000");
        String[] net = concat(shape, "--widths", "16,32");
        Path teacherDir = dir.resolve("teacher");
        CliRun trained = CliRun.of(concat(args("train", "--out", teacherDir.toString(), "--model-version",
                "init-teacher", "--epochs", "1", "--seed", "3"), net));
        assertThat(trained.code()).as(trained.err()).isZero();
        Path teacher = teacherDir.resolve("init-teacher" + ModelArtifact.FILE_SUFFIX);

        // a learning rate too small to move the weights: the student's convolutions are the teacher's
        Path studentDir = dir.resolve("from-teacher");
        CliRun distilled = CliRun.of(concat(args("distill", "--teacher", teacher.toString(), "--init",
                teacher.toString(), "--out", studentDir.toString(), "--model-version", "init-student", "--epochs", "1",
                "--lr", "1e-9", "--min-lr", "1e-9", "--seed", "4", "--teacher-tta", "none"), net));
        assertThat(distilled.code()).as(distilled.err()).isZero();
        assertThat(distilled.out()).contains("starting from the weights of init-teacher (sha256 ");
        ModelArtifact student = ModelArtifact.load(studentDir.resolve("init-student" + ModelArtifact.FILE_SUFFIX));
        ModelArtifact from = ModelArtifact.load(teacher);
        for (String conv : List.of("stem_conv", "output")) {
            var w = student.networks().get(0).getLayer(conv).getParam("W");
            var expected = from.networks().get(0).getLayer(conv).getParam("W");
            assertThat(w.sub(expected).amaxNumber().doubleValue()).as(conv).isLessThan(1e-5);
            assertThat(expected.amaxNumber().doubleValue()).as(conv).isGreaterThan(1e-3);
        }
        assertThat(student.metadata().training().get("initialWeights").toString()).startsWith("init-teacher (sha256 ");

        String[] refused = args("distill", "--teacher", teacher.toString(), "--out", dir.resolve("y").toString(),
                "--epochs", "1");
        assertOneLineError(concat(concat(refused, "--init", teacher.toString()), concat(shape, "--widths", "16,48")),
                "--arch");
        assertOneLineError(concat(concat(refused, "--init", shippedModel()), net), "validation slice held out");
    }

    @Test
    @DisplayName("the shipped model can teach a copy of itself: --allow-other-split lets --init start from it (and says "
            + "so), --keep last keeps every epoch's weight average whatever the validation faces say")
    void selfDistilsTheShippedModelKeepingTheLastAverage() throws Exception {
        Path out = dir.resolve("self");
        CliRun r = CliRun.of("distill", "--train", TRAIN, "--val-from-train", "0.6", "--teacher", shippedModel(),
                "--init", shippedModel(), "--allow-other-split", "--teacher-tta", "none", "--out", out.toString(),
                "--model-version", "self-student", "--epochs", "2", "--schedule", "none", "--lr", "1e-4",
                "--average-from", "1", "--keep", "last", "--log-every", "1000");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("not trained with this run's validation faces held out");
        assertThat(r.out().split("\\(the weight average: kept, the last\\)", -1)).hasSize(3);
        ModelMetadata kept = ModelArtifact.load(out.resolve("self-student" + ModelArtifact.FILE_SUFFIX)).metadata();
        assertThat(kept.training().get("bestEpoch")).isEqualTo(2);
        assertThat(kept.training().get("kept").toString()).startsWith("the last epoch's weight average");
        assertThat(kept.training().get("weightAverage").toString()).contains("epochs 1-2");

        assertOneLineError(args("distill", "--train", TRAIN, "--teacher", shippedModel(), "--allow-other-split",
                "--out", dir.resolve("k").toString(), "--keep", "first"), "--keep");
        assertOneLineError(args("distill", "--train", TRAIN, "--teacher", shippedModel(), "--allow-other-split",
                "--out", dir.resolve("k").toString(), "--keep", "last", "--early-stop", "3"), "--early-stop");
    }

    @Test
    @DisplayName("bad input ends with exit code 1 and one line: a missing teacher, classes in another order, a teacher "
            + "from another split, a weight outside 0-1, an unknown teacher view")
    void refusesBadInput() throws Exception {
        String[] base = args("--train", TRAIN, "--out", dir.resolve("x").toString(), "--epochs", "1");
        assertOneLineError(concat(args("distill", "--teacher", dir.resolve("nope.model.zip").toString()), base),
                "does not exist");
        assertOneLineError(concat(args("distill", "--teacher", reorderedClasses().toString()), base),
                "Kaggle order");
        assertOneLineError(concat(args("distill", "--teacher", shippedModel()), base), "--allow-other-split");
        assertOneLineError(concat(args("distill", "--teacher", shippedModel(), "--alpha", "1.5"), base), "alpha");
        assertOneLineError(concat(args("distill", "--teacher", shippedModel(), "--teacher-tta", "sideways"), base),
                "--teacher-tta");
    }

    private static void assertOneLineError(String[] args, String reason) {
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.err().strip()).contains(reason).doesNotContain("\n").doesNotContain("Exception");
    }

    /** A teacher whose model.json lists the classes in another order than the Kaggle one. */
    private Path reorderedClasses() throws Exception {
        Path file = dir.resolve("reordered" + ModelArtifact.FILE_SUFFIX);
        ResNetSpec spec = new ResNetSpec(4, 3, 2, false, new int[]{4}, new int[]{1}, 0);
        List<String> classes = new ArrayList<>(Emotion.names());
        Collections.reverse(classes);
        ModelArtifact.write(file, ResNetFactory.build(spec, 40, new Adam(1e-3), 0, null, WorkspaceMode.ENABLED, 1),
                new ModelMetadata(ModelMetadata.FORMAT_VERSION, "reordered", spec.describe(),
                        PreprocessingRecipe.fer2013(40), classes, "sha", null, Map.of(), "2026-12-06T00:00:00Z", null));
        return file;
    }
}
