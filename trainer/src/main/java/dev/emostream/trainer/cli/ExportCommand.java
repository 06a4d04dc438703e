package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a copy of a model artifact with other test-time augmentation: the same network under a "
                + "new version (predictions change, so the version must too). Score it first with 'evaluate --tta'.")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    ModelOption model;

    @Option(names = "--tta", required = true, description = TestTimeAugmentation.CHOICES)
    String tta;

    @Option(names = "--model-version", paramLabel = "NAME", description = "Version of the copy (default: <version>-<tta tag>).")
    String version;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Artifact to write (*.model.zip).")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelArtifact artifact = model.load();
        ModelMetadata m = artifact.metadata();
        ModelMetadata copy = m.withPreprocessing(TestTimeAugmentation.apply(tta, m.preprocessing()))
                .withVersion(version != null ? version : m.version() + "-" + TestTimeAugmentation.tag(tta));
        ModelArtifact.write(out, artifact.networks(), copy);
        System.out.printf("wrote %s (version %s, %d views per face)%n", out, copy.version(),
                copy.preprocessing().views().size());
        return 0;
    }
}
