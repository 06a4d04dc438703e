package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Writes a Kaggle submission (id,emotion) for a FER2013 CSV, in input order.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "FER2013 CSV, labeled or not.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Submission CSV to write.")
    Path out;

    @Mixin
    ModelOption model;

    @Option(names = "--tta", paramLabel = "VIEWS", description = "Override the artifact's test-time augmentation for "
            + "this run: " + TestTimeAugmentation.CHOICES + ".")
    String tta;

    @Option(names = "--batch", defaultValue = "128", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        ModelArtifact artifact = model.load();
        PreprocessingRecipe recipe = tta == null ? artifact.metadata().preprocessing()
                : TestTimeAugmentation.apply(tta, artifact.metadata().preprocessing());
        FaceDataset dataset = FaceDataset.read(data, new FacePreprocessor(recipe));
        Progress progress = new Progress("predict", dataset.size(), true);
        Evaluation eval = Evaluation.run(new Dl4jEmotionClassifier(artifact.metadata().version(), artifact.network(), recipe), dataset, batch, progress::update);
        progress.done();
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("id,emotion\n");
            for (int i = 0; i < dataset.size(); i++) {
                w.write(dataset.id(i) + "," + eval.predictions().get(i).predicted().code() + "\n");
            }
        }
        System.out.printf("wrote %d predictions to %s (model %s)%n", dataset.size(), out, artifact.metadata().version());
        if (dataset.labeled()) {
            System.out.printf("accuracy %.4f%n", eval.confusion().accuracy());
        }
        return 0;
    }
}
