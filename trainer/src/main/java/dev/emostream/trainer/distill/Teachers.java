package dev.emostream.trainer.distill;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.face.FaceImage;
import dev.emostream.model.inference.BatchNormFolding;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionPrediction;
import dev.emostream.model.metrics.ConfusionMatrix;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.data.ValidationSplit;
import dev.emostream.trainer.report.ProcessCpu;
import dev.emostream.trainer.train.AveragedClassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The teachers of a distillation, served as the app serves a model (batch norm folded into the convolutions), on
 * the student's own augmented view of each face: each teacher takes its own centered crop of the augmented face,
 * so one with another crop size sees the same view (see {@code Augmenter}), and averages its test-time views of it
 * (the mirror image, say). Each teacher artifact weighs the same in the average; an ensemble artifact averages its
 * members first, as it does when serving.
 */
public final class Teachers {

    /** One teacher artifact and the classifier that serves it on augmented faces. */
    public record Teacher(Path file, String fileSha256, ModelMetadata metadata, Dl4jEmotionClassifier classifier) {
    }

    /** How each teacher and their average scored on a data set, through the views they teach with. */
    public record Scores(String dataset, double[] teachers, double ensemble) {
    }

    private final List<Teacher> teachers;
    private final String views;
    private final AveragedClassifier average;
    private long teacherCpu;
    private long batches;

    private Teachers(List<Teacher> teachers, String views) {
        this.teachers = List.copyOf(teachers);
        this.views = views;
        this.average = new AveragedClassifier("teachers", teachers.stream().map(Teacher::classifier).toList());
    }

    /**
     * Loads and checks the teacher artifacts (a missing or corrupt file, or classes in another order, are refused by
     * {@link ModelArtifact#load}).
     *
     * @param student the student's recipe: teachers must read faces of its canonical size
     * @param views   the views of each augmented face whose probabilities a teacher averages: its recipe's test-time
     *                views ({@code --tta}) set to these, e.g. the face and its mirror image
     * @param viewsName what {@code views} is called, for model.json
     */
    public static Teachers load(List<Path> files, PreprocessingRecipe student, UnaryOperator<PreprocessingRecipe> views,
                                String viewsName) throws ModelArtifactException, IOException {
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("distillation needs at least one --teacher");
        }
        List<Teacher> loaded = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path file : files) {
            ModelArtifact artifact = ModelArtifact.load(file);
            String sha = ModelArtifact.sha256(file);
            if (!seen.add(sha)) {
                throw new IllegalArgumentException("teacher " + file + " is named twice (the same file as another "
                        + "--teacher)");
            }
            PreprocessingRecipe recipe = artifact.metadata().preprocessing();
            if (recipe.canonicalSize() != student.canonicalSize()) {
                throw new IllegalArgumentException("teacher " + file + " reads " + recipe.canonicalSize() + "x"
                        + recipe.canonicalSize() + " faces, the student " + student.canonicalSize() + "x"
                        + student.canonicalSize());
            }
            Dl4jEmotionClassifier classifier = new Dl4jEmotionClassifier(artifact.metadata().version(),
                    BatchNormFolding.fold(artifact.networks()), views.apply(recipe));
            loaded.add(new Teacher(file, sha, artifact.metadata(), classifier));
        }
        return new Teachers(loaded, viewsName);
    }

    public List<Teacher> teachers() {
        return teachers;
    }

    /** The views of each augmented face a teacher averages ({@code --teacher-tta}). */
    public String views() {
        return views;
    }

    /** The teachers' averaged probabilities for each augmented face, {@link Emotion#COUNT} per face into {@code out}. */
    public void probabilities(List<FaceImage> faces, float[] out) {
        long start = ProcessCpu.nanos();
        List<EmotionPrediction> predictions = average.classify(faces);
        for (int i = 0; i < predictions.size(); i++) {
            System.arraycopy(predictions.get(i).scores(), 0, out, i * Emotion.COUNT, Emotion.COUNT);
        }
        teacherCpu += ProcessCpu.nanos() - start;
        batches++;
    }

    /** The teachers' CPU milliseconds per batch since the last call (see {@link ProcessCpu}); then counts afresh. */
    public double cpuMillisPerBatchSinceLast() {
        double ms = teacherCpu / 1e6 / Math.max(1, batches);
        teacherCpu = 0;
        batches = 0;
        return ms;
    }

    /** Each teacher's and the average's accuracy on the centered faces of {@code data}. */
    public Scores score(FaceDataset data) {
        ConfusionMatrix[] each = new ConfusionMatrix[teachers.size()];
        Arrays.setAll(each, t -> new ConfusionMatrix());
        ConfusionMatrix ensemble = new ConfusionMatrix();
        int batch = 256;
        for (int start = 0; start < data.size(); start += batch) {
            int end = Math.min(data.size(), start + batch);
            List<List<EmotionPrediction>> predictions = average.each(data.faces().subList(start, end));
            List<EmotionPrediction> averaged = AveragedClassifier.average(predictions);
            for (int i = start; i < end; i++) {
                Emotion truth = Emotion.fromCode(data.label(i));
                for (int t = 0; t < teachers.size(); t++) {
                    each[t].add(truth, predictions.get(t).get(i - start).predicted());
                }
                ensemble.add(truth, averaged.get(i - start).predicted());
            }
        }
        return new Scores(data.name(), Arrays.stream(each).mapToDouble(ConfusionMatrix::accuracy).toArray(),
                ensemble.accuracy());
    }

    /**
     * The teachers not trained on {@code trainingDataSha256} with this run's validation faces held out (their
     * model.json records the split's ids hash): such a teacher may have trained on the faces this run selects on.
     */
    public List<String> notOnSplit(String trainingDataSha256, Map<String, Object> validationSplit) {
        List<String> other = new ArrayList<>();
        for (Teacher teacher : teachers) {
            if (!ValidationSplit.heldOutBy(teacher.metadata(), trainingDataSha256, validationSplit)) {
                other.add(teacher.metadata().version() + " (" + teacher.file() + ")");
            }
        }
        return other;
    }
}
