package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.report.EvaluationReport;
import dev.emostream.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Scores a model on a labeled FER2013 CSV: accuracy, per-class precision/recall/F1, confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "Labeled FER2013 CSV (.csv or .csv.gz).")
    Path data;

    @Mixin
    ModelOption model;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

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
        if (!dataset.labeled()) {
            throw new IllegalArgumentException(data + " has no emotion labels to score against; use 'predict'");
        }
        Progress progress = new Progress("evaluate", dataset.size(), !json);
        Evaluation eval = Evaluation.run(new Dl4jEmotionClassifier(artifact.metadata().version(), artifact.network(), recipe), dataset, batch, progress::update);
        progress.done();
        String version = artifact.metadata().version();
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(
                    EvaluationReport.toJson(version, data.getFileName().toString(), eval.confusion())));
        } else {
            System.out.print(EvaluationReport.text(version, data.getFileName().toString(), eval.confusion()));
        }
        return 0;
    }
}
