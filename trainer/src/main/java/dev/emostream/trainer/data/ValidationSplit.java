package dev.emostream.trainer.data;

import dev.emostream.model.Emotion;
import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A validation slice carved out of a training set, so that choices (the epoch, the weights, the teachers) are made
 * on faces no network trained on and the public test stays a score only. Stratified: each class gives its own
 * share. Chosen by face id: each class's ids are sorted, shuffled with a generator seeded by the split seed and
 * the class, and the first {@code round(fraction * count)} held out, so the same file and seed give the same slice
 * whatever the row order, and every run that names them (teachers with different training seeds, the student)
 * holds out the same faces.
 *
 * @param train      the faces left to train on, in file order
 * @param validation the held-out faces, in file order
 * @param fraction   the share of each class held out
 * @param seed       the split seed
 */
public record ValidationSplit(FaceDataset train, FaceDataset validation, double fraction, long seed) {

    /** The split seed every run uses unless told otherwise, so that teachers and students share one slice. */
    public static final String DEFAULT_SEED = "1";

    public static ValidationSplit carve(FaceDataset all, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the validation share of the training set must be between 0 and 1, got "
                    + fraction);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < Emotion.COUNT; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.label(i) < 0) {
                throw new IllegalArgumentException(all.name() + " row " + i + " (id " + all.id(i)
                        + ") has no label: a validation slice needs labeled faces");
            }
            byClass.get(all.label(i)).add(i);
        }
        boolean[] held = new boolean[all.size()];
        for (int c = 0; c < Emotion.COUNT; c++) {
            List<Integer> members = byClass.get(c);
            members.sort(Comparator.comparing(all::id));
            Collections.shuffle(members, new Random(seed * 31 + c));
            int n = (int) Math.round(members.size() * fraction);
            for (int k = 0; k < n; k++) {
                held[members.get(k)] = true;
            }
        }
        int[] rest = indices(held, false);
        int[] out = indices(held, true);
        String tag = String.format("%s, split seed %d", fraction, seed);
        return new ValidationSplit(all.subset(all.name() + " (training part; " + tag + ")", rest),
                all.subset(all.name() + " (validation slice " + tag + ")", out), fraction, seed);
    }

    /** SHA-256 of a data set's ids, sorted, one a line: names a set of faces independently of row order. */
    public static String idsSha256(FaceDataset data) {
        List<String> ids = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            ids.add(data.id(i));
        }
        Collections.sort(ids);
        return ModelArtifact.sha256(String.join("\n", ids).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether the artifact {@code m} describes (each member, for an ensemble) was trained on the data with
     * {@code trainingDataSha256} with the slice {@code validationSplit} describes held out: if not, it may have
     * learned the faces a run on that slice selects on.
     */
    public static boolean heldOutBy(ModelMetadata m, String trainingDataSha256, Map<String, Object> validationSplit) {
        Object ids = validationSplit == null ? null : validationSplit.get("idsSha256");
        List<Map<String, Object>> trainings = m.members() == null ? List.of(orEmpty(m.training()))
                : m.members().stream().map(member -> orEmpty(member.training())).toList();
        return Objects.equals(m.trainingDataSha256(), trainingDataSha256) && trainings.stream()
                .allMatch(t -> t.get("validationSplit") instanceof Map<?, ?> split
                        && Objects.equals(split.get("idsSha256"), ids));
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }

    /** For model.json and report.json: how to carve it again, and a hash to check it is the same slice. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("fromTrain", fraction);
        d.put("splitSeed", seed);
        d.put("faces", validation.size());
        d.put("perClass", Arrays.stream(validation.classCounts()).boxed().toList());
        d.put("idsSha256", idsSha256(validation));
        return d;
    }

    private static int[] indices(boolean[] held, boolean value) {
        int n = 0;
        for (boolean h : held) {
            n += h == value ? 1 : 0;
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i] == value) {
                out[k++] = i;
            }
        }
        return out;
    }
}
