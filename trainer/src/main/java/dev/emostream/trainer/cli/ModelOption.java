package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --model FILE|FOLDER}, defaulting to the shipped model. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "FILE", description = "Model artifact, or a folder (its newest artifact). "
            + "Default: the shipped model in ./models (or -Demostream.models / $EMOSTREAM_MODELS).")
    Path model;

    ModelArtifact load() throws ModelArtifactException {
        return ModelArtifact.load(ModelLocator.resolve(model != null ? model : ModelLocator.defaultModelsFolder()));
    }
}
