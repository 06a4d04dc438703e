package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
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
    ScoringOptions scoring;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ScoringOptions.Scored scored = scoring.score(data, "evaluate", !json);
        if (!scored.dataset().labeled()) {
            throw new IllegalArgumentException(data + " has no emotion labels to score against; use 'predict'");
        }
        Evaluation eval = scored.evaluation();
        String version = scored.modelVersion();
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(
                    EvaluationReport.toJson(version, data.getFileName().toString(), eval.confusion())));
        } else {
            System.out.print(EvaluationReport.text(version, data.getFileName().toString(), eval.confusion()));
        }
        return 0;
    }
}
