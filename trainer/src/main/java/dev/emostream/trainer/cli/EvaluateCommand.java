package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emostream.trainer.data.ValidationSplit;
import dev.emostream.trainer.report.EvaluationReport;
import dev.emostream.trainer.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Scores a model (or several, averaged) on a labeled FER2013 CSV, or on the validation slice train "
                + "holds out of it: accuracy, per-class precision/recall/F1, confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "Labeled FER2013 CSV (.csv or .csv.gz).")
    Path data;

    @Mixin
    ScoringOptions scoring;

    @Option(names = "--val-from-train", paramLabel = "FRACTION", description = "Score only the validation slice that "
            + "train and distill hold out of this file with the same --val-from-train and --split-seed: where teachers, "
            + "views and ensembles are chosen.")
    Double valFromTrain;

    @Option(names = "--split-seed", defaultValue = ValidationSplit.DEFAULT_SEED, description = "Seed of the "
            + "--val-from-train slice (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ScoringOptions.Scored scored = scoring.score(data, "evaluate", !json, all -> valFromTrain == null ? all
                : ValidationSplit.carve(all, valFromTrain, splitSeed).validation());
        if (!scored.dataset().labeled()) {
            throw new IllegalArgumentException(data + " has no emotion labels to score against; use 'predict'");
        }
        Evaluation eval = scored.evaluation();
        String version = scored.modelVersion();
        String dataset = valFromTrain == null ? data.getFileName().toString() : scored.dataset().name();
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(
                    EvaluationReport.toJson(version, dataset, eval.confusion())));
        } else {
            System.out.print(EvaluationReport.text(version, dataset, eval.confusion()));
        }
        return 0;
    }
}
