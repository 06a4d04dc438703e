package dev.emostream.bench;

import java.nio.file.Path;

import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;
import picocli.CommandLine.Option;

/** {@code --model FILE|DIR}: default the shipped models folder (newest {@code *.model.zip}), as the app does. */
final class ModelChoice {

    @Option(names = "--model", paramLabel = "FILE|DIR",
            description = "Model artifact or folder (default: the models folder the app serves from).")
    Path model;

    Path resolve() throws ModelArtifactException {
        return ModelLocator.resolve(model != null ? model : ModelLocator.defaultModelsFolder()).toAbsolutePath();
    }
}
