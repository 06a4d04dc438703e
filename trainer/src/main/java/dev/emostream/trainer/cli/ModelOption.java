package dev.emostream.trainer.cli;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --model FILE|FOLDER}, defaulting to the shipped model; scoring commands take several. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "FILE", description = "Model artifact, or a folder (its newest artifact); "
            + "evaluate and predict take several and average their probabilities, each model with its own crop and "
            + "views. Default: the shipped model in ./models (or -Demostream.models / $EMOSTREAM_MODELS).")
    List<Path> models;

    /** The one model named; refuses several. */
    ModelArtifact load() throws ModelArtifactException {
        if (models != null && models.size() > 1) {
            throw new IllegalArgumentException("--model is given " + models.size() + " times; this command takes one");
        }
        return loadAll().get(0);
    }

    /** Every model named, in order; the shipped one when none is. */
    List<ModelArtifact> loadAll() throws ModelArtifactException {
        List<ModelArtifact> artifacts = new ArrayList<>();
        for (Path model : models == null ? List.of(ModelLocator.defaultModelsFolder()) : models) {
            artifacts.add(ModelArtifact.load(ModelLocator.resolve(model)));
        }
        return artifacts;
    }
}
