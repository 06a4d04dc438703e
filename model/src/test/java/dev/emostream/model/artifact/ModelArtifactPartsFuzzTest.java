package dev.emostream.model.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.model.Emotion;
import dev.emostream.model.preprocess.PreprocessingRecipe;

/**
 * {@link ModelArtifact#load} on artifacts assembled from fuzzed parts, past the zip CRCs that stop raw mutations:
 * {@code model.json} is a real one with fields overwritten (wrong types, nulls, odd sizes, null or missing ensemble
 * members, format 1 or 2) or any text; each member entry is the tiny network, that network with one of its own
 * entries replaced or some bytes changed (the checksum in {@code model.json} recomputed, as a careless or hostile
 * writer would), or any bytes. It serves a model or throws {@link ModelArtifactException}, nothing else.
 *
 * <p>All zeros is the valid single-network artifact; the network is DL4J's smallest useful graph (a 3x3 convolution,
 * global pooling, a softmax over the seven classes) so a restore takes milliseconds, and member bytes are capped at
 * {@value #MAX_PART} so no input can ask DL4J to restore a large network.
 */
class ModelArtifactPartsFuzzTest {

    private static final int MAX_PART = 8_192;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("formatVersion", "version", "classes", "networkSha256",
            "members", "preprocessing", "preprocessing.cropSize", "preprocessing.canonicalSize",
            "preprocessing.scaling", "preprocessing.std", "members.0", "members.1.networkSha256");

    private static byte[] network;
    private static List<String> networkEntryNames;
    private static Path file;

    @BeforeAll
    static void tinyNetwork() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(ModelArtifactTest.tinyNetwork(40, 7), out, false);
        network = out.toByteArray();
        networkEntryNames = List.copyOf(ArtifactZip.unzip(network).keySet());
        file = Files.createTempFile("fuzz-parts-", ModelArtifact.FILE_SUFFIX);
    }

    @AfterAll
    static void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest(maxDuration = "2m")
    void loadsAnyArtifactParts(FuzzedDataProvider data) throws IOException {
        int members = data.consumeInt(1, 3);
        List<byte[]> nets = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            nets.add(member(data));
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(ModelArtifact.METADATA_ENTRY, metadata(data, nets));
        for (int i = 0; i < nets.size(); i++) {
            entries.put(ModelArtifact.memberEntry(i), nets.get(i));
        }
        if (data.consumeBoolean()) {
            entries.put("network-" + data.consumeInt(0, 9) + ".zip", data.consumeBytes(256));
        }
        Files.write(file, ArtifactZip.zip(entries, data.consumeBoolean()));

        try {
            ModelArtifact artifact = ModelArtifact.load(file);
            assertThat(artifact.networks()).hasSize(artifact.metadata().memberCount());
            assertThat(artifact.metadata().classes()).isEqualTo(Emotion.names());
        } catch (ModelArtifactException refused) {
            assertThat(refused.getMessage()).contains(file.toString());
        }
    }

    private static byte[] member(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 3)) {
            case 0:
                return network;
            case 1: {
                Map<String, byte[]> inner = ArtifactZip.unzip(network);
                inner.put(data.pickValue(networkEntryNames), data.consumeBytes(MAX_PART));
                return ArtifactZip.zip(inner, data.consumeBoolean());
            }
            case 2: {
                Map<String, byte[]> inner = ArtifactZip.unzip(network);
                String name = data.pickValue(networkEntryNames);
                byte[] changed = inner.get(name).clone();
                int edits = data.consumeInt(1, 8);
                for (int i = 0; i < edits && changed.length > 0; i++) {
                    changed[data.consumeInt(0, changed.length - 1)] = data.consumeByte();
                }
                inner.put(name, changed);
                return ArtifactZip.zip(inner, data.consumeBoolean());
            }
            default:
                return data.consumeBytes(MAX_PART);
        }
    }

    /** A real model.json for {@code nets} (checksums right), then up to four fields overwritten, or any text. */
    @SuppressWarnings("unchecked")
    private static byte[] metadata(FuzzedDataProvider data, List<byte[]> nets) throws IOException {
        if (data.consumeInt(0, 15) == 15) {
            return data.consumeString(2_048).getBytes(StandardCharsets.UTF_8);
        }
        ModelMetadata real = new ModelMetadata(ModelMetadata.FORMAT_VERSION, "fuzz-v1", "tiny",
                PreprocessingRecipe.fer2013(40), Emotion.names(), null, null, Map.of(), "2026-11-29T00:00:00Z",
                ModelArtifact.sha256(nets.get(0)));
        if (nets.size() > 1) {
            List<ModelMetadata.Member> members = new ArrayList<>();
            for (byte[] net : nets) {
                members.add(new ModelMetadata.Member("m", "tiny", ModelArtifact.sha256(net), null, null));
            }
            real = new ModelMetadata(ModelMetadata.ENSEMBLE_FORMAT_VERSION, "fuzz-v1", "tiny",
                    PreprocessingRecipe.fer2013(40), Emotion.names(), null, null, Map.of(), "2026-11-29T00:00:00Z",
                    null, members);
        }
        Map<String, Object> json = JSON.convertValue(real, Map.class);
        int edits = data.consumeInt(0, 4);
        for (int i = 0; i < edits; i++) {
            overwrite(json, data.pickValue(FIELDS).split("\\."), value(data));
        }
        return JSON.writeValueAsBytes(json);
    }

    @SuppressWarnings("unchecked")
    private static void overwrite(Object node, String[] path, Object value) {
        // an earlier edit may have put a list where a map was, or the reverse: then the path leads nowhere
        for (int i = 0; i < path.length - 1; i++) {
            node = node instanceof Map<?, ?> map ? map.get(path[i])
                    : node instanceof List<?> list && index(path[i]) < list.size() ? list.get(index(path[i])) : null;
        }
        String last = path[path.length - 1];
        if (node instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).put(last, value);
        } else if (node instanceof List<?> list && index(last) < list.size()) {
            ((List<Object>) list).set(index(last), value);
        }
    }

    private static int index(String segment) {
        return segment.chars().allMatch(Character::isDigit) ? Integer.parseInt(segment) : Integer.MAX_VALUE;
    }

    private static Object value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 5)) {
            case 0 -> null;
            case 1 -> data.consumeInt();
            case 2 -> data.consumeString(64);
            case 3 -> new ArrayList<>(List.of(data.consumeString(16)));
            case 4 -> new ArrayList<>();
            default -> data.consumeBoolean();
        };
    }
}
