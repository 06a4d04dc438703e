package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.train.Evaluation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What {@code evaluate} and {@code predict} share: the model, its test-time views, batching, and the scoring run. */
final class ScoringOptions {

    @Mixin
    ModelOption model;

    @Option(names = "--tta", paramLabel = "VIEWS", description = "Override the artifact's test-time augmentation for "
            + "this run: " + TestTimeAugmentation.CHOICES + ".")
    String tta;

    @Option(names = "--batch", defaultValue = "128", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    /** The faces of a CSV, scored through the serving classifier. */
    record Scored(String modelVersion, FaceDataset dataset, Evaluation evaluation) {
    }

    Scored score(Path csv, String label, boolean showProgress) throws Exception {
        ModelArtifact artifact = model.load();
        PreprocessingRecipe recipe = tta == null ? artifact.metadata().preprocessing()
                : TestTimeAugmentation.apply(tta, artifact.metadata().preprocessing());
        FaceDataset dataset = FaceDataset.read(csv, new FacePreprocessor(recipe));
        String version = artifact.metadata().version();
        Progress progress = new Progress(label, dataset.size(), showProgress);
        Evaluation eval = Evaluation.run(new Dl4jEmotionClassifier(version, artifact.networks(), recipe), dataset, batch,
                progress::update);
        progress.done();
        return new Scored(version, dataset, eval);
    }
}
