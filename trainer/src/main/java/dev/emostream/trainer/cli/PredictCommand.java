package dev.emostream.trainer.cli;

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
    ScoringOptions scoring;

    @Override
    public Integer call() throws Exception {
        ScoringOptions.Scored scored = scoring.score(data, "predict", true, all -> all);
        FaceDataset dataset = scored.dataset();
        Evaluation eval = scored.evaluation();
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("id,emotion\n");
            for (int i = 0; i < dataset.size(); i++) {
                w.write(dataset.id(i) + "," + eval.predictions().get(i).predicted().code() + "\n");
            }
        }
        System.out.printf("wrote %d predictions to %s (model %s)%n", dataset.size(), out, scored.modelVersion());
        if (dataset.labeled()) {
            System.out.printf("accuracy %.4f%n", eval.confusion().accuracy());
        }
        return 0;
    }
}
