package dev.emostream.trainer.cli;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.artifact.ValidationMetrics;
import dev.emostream.model.inference.Dl4jEmotionClassifier;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.report.MachineInfo;
import dev.emostream.trainer.train.Evaluation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "ensemble", mixinStandardHelpOptions = true,
        description = "Combines model artifacts trained with one preprocessing recipe into one artifact whose members' "
                + "probabilities are averaged. With --val, scores each member alone and each growing ensemble, and "
                + "records the ensemble's metrics.")
final class EnsembleCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "MEMBER", description = "Member artifacts (*.model.zip), in order.")
    List<Path> members;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Artifact to write (*.model.zip).")
    Path out;

    @Option(names = "--model-version", required = true, paramLabel = "NAME", description = "Version of the ensemble.")
    String version;

    @Option(names = "--val", paramLabel = "CSV", description = "Labeled CSV to score the members and the ensemble on.")
    Path val;

    @Option(names = "--tta", paramLabel = "VIEWS", description = "Test-time views the ensemble serves with, instead of "
            + "the members' own: " + TestTimeAugmentation.CHOICES + ". Each view is one more forward pass per member.")
    String tta;

    @Override
    public Integer call() throws Exception {
        List<ModelArtifact> artifacts = new ArrayList<>();
        for (Path member : members) {
            artifacts.add(ModelArtifact.load(member));
        }
        PreprocessingRecipe recipe = artifacts.get(0).metadata().preprocessing();
        for (int i = 1; i < artifacts.size(); i++) {
            PreprocessingRecipe other = artifacts.get(i).metadata().preprocessing();
            if (!other.equals(recipe)) {
                throw new IllegalArgumentException("members must share one preprocessing recipe: " + members.get(0)
                        + " has " + recipe + ", " + members.get(i) + " has " + other);
            }
        }
        if (tta != null) {
            recipe = TestTimeAugmentation.apply(tta, recipe);
        }
        FaceDataset data = val == null ? null : FaceDataset.read(val, new FacePreprocessor(recipe));
        List<ComputationGraph> networks = new ArrayList<>();
        List<ModelMetadata.Member> described = new ArrayList<>();
        Evaluation ensemble = null;
        long seconds = 0;
        for (ModelArtifact a : artifacts) {
            ModelMetadata m = a.metadata();
            Double alone = null;
            networks.addAll(a.networks());
            if (data != null) {
                alone = accuracy(new Dl4jEmotionClassifier(m.version(), a.networks(), recipe), data).confusion().accuracy();
                ensemble = accuracy(new Dl4jEmotionClassifier(version, networks, recipe), data);
                System.out.printf(Locale.ROOT, "%-28s alone %.4f   ensemble of the first %d: %.4f%n", m.version(),
                        alone, networks.size(), ensemble.confusion().accuracy());
            }
            for (ComputationGraph ignored : a.networks()) {
                described.add(new ModelMetadata.Member(m.version(), m.architecture(), null, alone, m.training()));
            }
            Object s = m.training() == null ? null : m.training().get("trainingSeconds");
            seconds += s instanceof Number n ? n.longValue() : 0;
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("members", networks.size());
        training.put("trainingSeconds", seconds);
        training.put("combinedOn", MachineInfo.describe());
        ValidationMetrics metrics = ensemble == null ? null
                : ValidationMetrics.of(data.name(), ensemble.confusion());
        String architecture = "ensemble of " + networks.size() + ": " + String.join(" + ",
                described.stream().map(ModelMetadata.Member::architecture).toList());
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.ENSEMBLE_FORMAT_VERSION, version, architecture, recipe,
                Emotion.names(), artifacts.get(0).metadata().trainingDataSha256(), metrics, training,
                Instant.now().toString(), null, described);
        ModelArtifact.write(out, networks, metadata);
        System.out.printf("wrote %s (version %s, %d members)%n", out, version, networks.size());
        return 0;
    }

    private static Evaluation accuracy(Dl4jEmotionClassifier classifier, FaceDataset data) {
        return Evaluation.run(classifier, data, 256, n -> { });
    }
}
