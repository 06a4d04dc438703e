package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.inference.EmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.train.AveragedClassifier;
import dev.emostream.trainer.train.Evaluation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/** What {@code evaluate} and {@code predict} share: the models, their test-time views, batching, and the scoring run. */
final class ScoringOptions {

    @Mixin
    ModelOption model;

    @Option(names = "--tta", paramLabel = "VIEWS", description = "Override the artifacts' test-time augmentation for "
            + "this run: " + TestTimeAugmentation.CHOICES + ".")
    String tta;

    @Option(names = "--batch", defaultValue = "128", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    /** The faces of a CSV, scored through the serving classifier. */
    record Scored(String modelVersion, FaceDataset dataset, Evaluation evaluation) {
    }

    /** Scores the faces of {@code csv} that {@code select} keeps (all of them, or a validation slice). */
    Scored score(Path csv, String label, boolean showProgress, UnaryOperator<FaceDataset> select) throws Exception {
        List<ModelArtifact> artifacts = model.loadAll();
        List<EmotionClassifier> classifiers = new ArrayList<>();
        PreprocessingRecipe first = null;
        for (ModelArtifact artifact : artifacts) {
            PreprocessingRecipe recipe = tta == null ? artifact.metadata().preprocessing()
                    : TestTimeAugmentation.apply(tta, artifact.metadata().preprocessing());
            if (first != null && recipe.canonicalSize() != first.canonicalSize()) {
                throw new IllegalArgumentException("models to average must read faces of one size: "
                        + artifacts.get(0).metadata().version() + " reads " + first.canonicalSize() + ", "
                        + artifact.metadata().version() + " " + recipe.canonicalSize());
            }
            first = first == null ? recipe : first;
            classifiers.add(new Dl4jEmotionClassifier(artifact.metadata().version(), artifact.networks(), recipe));
        }
        EmotionClassifier classifier = classifiers.size() == 1 ? classifiers.get(0)
                : new AveragedClassifier(classifiers.stream().map(EmotionClassifier::modelVersion)
                .collect(Collectors.joining("+")), classifiers);
        FaceDataset dataset = select.apply(FaceDataset.read(csv, new FacePreprocessor(first)));
        Progress progress = new Progress(label, dataset.size(), showProgress);
        Evaluation eval = Evaluation.run(classifier, dataset, batch, progress::update);
        progress.done();
        return new Scored(classifier.modelVersion(), dataset, eval);
    }
}
