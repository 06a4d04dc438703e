package dev.emostream.model.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.emostream.model.preprocess.PreprocessingRecipe;

import java.util.List;
import java.util.Map;

/**
 * {@code model.json}: what a model artifact holds and how it was made.
 *
 * @param formatVersion       artifact layout version; loaders refuse ones they do not know
 * @param version             the model version named by every event it produces
 * @param architecture        a short description, e.g. "resnet stem=3x3/2:32 stages=32,64,128,256 blocks=1"
 * @param preprocessing       the recipe the network was trained with
 * @param classes             output classes in output order (must be the Kaggle order)
 * @param trainingDataSha256  SHA-256 of the training CSV as read
 * @param validation          metrics on the selection data, or null
 * @param training            hyperparameters and run facts (epochs, batch, updater, seconds, machine)
 * @param createdAt           ISO-8601 instant
 * @param networkSha256       SHA-256 of the network entry, checked on load (single-network artifacts)
 * @param members             the member networks of an ensemble, in entry order, or null for one network
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelMetadata(int formatVersion, String version, String architecture,
                            PreprocessingRecipe preprocessing, List<String> classes, String trainingDataSha256,
                            ValidationMetrics validation, Map<String, Object> training, String createdAt,
                            String networkSha256, List<Member> members) {

    public static final int FORMAT_VERSION = 1;
    /** Several member networks whose probabilities are averaged; a format-1 reader must refuse them. */
    public static final int ENSEMBLE_FORMAT_VERSION = 2;

    /**
     * One network of an ensemble: where it came from and what it scored alone.
     *
     * @param version            the member's own model version (its artifact before it was combined)
     * @param validationAccuracy the member's accuracy alone on the ensemble's validation data, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String version, String architecture, String networkSha256, Double validationAccuracy,
                         Map<String, Object> training) {

        public Member withNetworkSha256(String sha) {
            return new Member(version, architecture, sha, validationAccuracy, training);
        }
    }

    /** A single-network artifact. */
    public ModelMetadata(int formatVersion, String version, String architecture, PreprocessingRecipe preprocessing,
                         List<String> classes, String trainingDataSha256, ValidationMetrics validation,
                         Map<String, Object> training, String createdAt, String networkSha256) {
        this(formatVersion, version, architecture, preprocessing, classes, trainingDataSha256, validation, training,
                createdAt, networkSha256, null);
    }

    /** How many networks the artifact holds. */
    public int memberCount() {
        return members == null ? 1 : members.size();
    }

    public ModelMetadata withNetworkSha256(String sha) {
        return new ModelMetadata(formatVersion, version, architecture, preprocessing, classes, trainingDataSha256,
                validation, training, createdAt, sha, members);
    }

    public ModelMetadata withMembers(List<Member> newMembers) {
        return new ModelMetadata(formatVersion, version, architecture, preprocessing, classes, trainingDataSha256,
                validation, training, createdAt, networkSha256, newMembers);
    }

    public ModelMetadata withVersion(String newVersion) {
        return new ModelMetadata(formatVersion, newVersion, architecture, preprocessing, classes, trainingDataSha256,
                validation, training, createdAt, networkSha256, members);
    }

    public ModelMetadata withValidation(ValidationMetrics metrics) {
        return new ModelMetadata(formatVersion, version, architecture, preprocessing, classes, trainingDataSha256,
                metrics, training, createdAt, networkSha256, members);
    }

    public ModelMetadata withPreprocessing(PreprocessingRecipe recipe) {
        return new ModelMetadata(formatVersion, version, architecture, recipe, classes, trainingDataSha256,
                validation, training, createdAt, networkSha256, members);
    }
}
