package dev.emostream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.nd4j.linalg.learning.config.Adam;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An untrained network with the shipped light layout: the same cost per image as the trained model, for
 * checking the benchmarks before a trained model exists. Its accuracy is chance; its speed is real.
 */
@Command(name = "tiny-model", mixinStandardHelpOptions = true,
        description = "Writes a random-init model artifact with the light ResNet layout (real inference cost).")
final class TinyModelCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "bench/target/light-random" + ModelArtifact.FILE_SUFFIX,
            description = "Artifact to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--crop", defaultValue = "40", description = "Input crop (default: ${DEFAULT-VALUE}).")
    int crop;

    @Override
    public Integer call() throws Exception {
        ResNetSpec spec = ResNetSpec.light();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        ModelArtifact.write(out, ResNetFactory.build(spec, crop, new Adam(1e-3), 0, null, WorkspaceMode.ENABLED, 1),
                new ModelMetadata(ModelMetadata.FORMAT_VERSION, "light-random-1", spec.describe(),
                        PreprocessingRecipe.fer2013(crop), Emotion.names(), "none (random init)", null, Map.of(),
                        Instant.now().toString(), null));
        System.out.println("wrote " + out.toAbsolutePath() + " (" + spec.describe() + ", untrained)");
        return 0;
    }
}
