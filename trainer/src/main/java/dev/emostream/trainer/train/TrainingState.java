package dev.emostream.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** What a resumed run needs beside the network checkpoint: the history and the best so far. */
public final class TrainingState {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public int epochsDone;
    public double bestAccuracy = -1;
    public int bestEpoch = -1;
    public int epochsSinceBest;
    public double plateauLearningRate;
    public double trainingSeconds;
    /** Epochs in the weight average (weight-average.bin). */
    public int averagedEpochs;
    public List<EpochRecord> history = new ArrayList<>();
    /** SHA-256 of the validation faces' ids: a resumed run must select on the same faces (null in older states). */
    public String validationIdsSha256;
    /** {@link TrainingObjective#identity()} of the run, e.g. its teachers; null when any objective may resume it. */
    public String objective;
    /** The artifact a new run started from ({@code --init}): its version and SHA-256; null for random weights. */
    public String initialWeights;

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static TrainingState read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), TrainingState.class);
    }
}
