package dev.emostream.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.emostream.model.face.FaceImage;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.EmotionEvent;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * Per-frame costs the app pays besides the network (figure "per-frame overheads"): the Confluent-format Avro
 * decode of the incoming FaceFrame, the encode of the outgoing EmotionEvent, the registry client's cached
 * look-ups (the real HTTP client, primed once against a stub server so the timed path is the cache), and the
 * serving preprocessing into a reused float buffer. Pixels are random: Avro and preprocessing cost does not
 * depend on what the face shows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameOverheads {

    private static final String TOPIC = "faces.bench";

    /** Side of the incoming frame: 48 is FER2013's (no resize); another size adds the bilinear resize. */
    @Param({"48"})
    public int size;

    /** Crop of the recipe (the shipped light model uses 40). */
    @Param({"40"})
    public int crop;

    private HttpServer stub;
    private RestSchemaRegistryClient client;
    private AvroSerializer<FaceFrame> frameSerializer;
    private AvroDeserializer<FaceFrame> frameDeserializer;
    private AvroSerializer<EmotionEvent> eventSerializer;
    private FaceFrame frame;
    private byte[] encodedFrame;
    private EmotionEvent event;
    private FaceImage face;
    private FacePreprocessor preprocessor;
    private float[] buffer;
    private int frameSchemaId;
    private Schema frameSchema;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stub = RegistryStub.start();
        client = new RestSchemaRegistryClient("http://127.0.0.1:" + stub.getAddress().getPort());
        frameSerializer = new AvroSerializer<>(client);
        frameDeserializer = new AvroDeserializer<>(FaceFrame.class, client);
        eventSerializer = new AvroSerializer<>(client);

        byte[] pixels = new byte[size * size];
        new Random(42).nextBytes(pixels);
        face = new FaceImage(size, size, pixels);
        frame = FaceFrame.newBuilder().setFrameId("row-1234").setSourceId("cam-17")
                .setCaptureTime(Instant.ofEpochMilli(1_790_000_000_000L)).setWidth(size).setHeight(size)
                .setPixels(ByteBuffer.wrap(pixels)).setTrueLabel(Emotion.HAPPY).build();
        encodedFrame = frameSerializer.serialize(TOPIC, frame);
        frameSchema = frame.getSchema();
        frameSchemaId = ByteBuffer.wrap(encodedFrame, 1, 4).getInt();
        frameDeserializer.deserialize(TOPIC, encodedFrame);
        List<Float> scores = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            scores.add(1f / 7);
        }
        event = EmotionEvent.newBuilder().setFrameId("row-1234").setSourceId("cam-17")
                .setCaptureTime(Instant.ofEpochMilli(1_790_000_000_000L)).setClassifiedTime(Instant.now())
                .setPredicted(Emotion.HAPPY).setConfidence(0.5f).setScores(scores).setModelVersion("light-1")
                .setTrueLabel(Emotion.HAPPY).build();
        eventSerializer.serialize("emotions", event);
        preprocessor = new FacePreprocessor(PreprocessingRecipe.fer2013(crop));
        buffer = new float[32 * preprocessor.recipe().inputLength()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stub.stop(0);
    }

    /** What the intake does per record. */
    @Benchmark
    public FaceFrame decodeFaceFrame() {
        return frameDeserializer.deserialize(TOPIC, encodedFrame);
    }

    /** What a camera (or the replay) does per record; not on the app's path. */
    @Benchmark
    public byte[] encodeFaceFrame() {
        return frameSerializer.serialize(TOPIC, frame);
    }

    @Benchmark
    public byte[] decodeEncodeFaceFrame() {
        return frameSerializer.serialize(TOPIC, frameDeserializer.deserialize(TOPIC, encodedFrame));
    }

    /** What the app does per event on the way out. */
    @Benchmark
    public byte[] encodeEmotionEvent() {
        return eventSerializer.serialize("emotions", event);
    }

    /** Schema by id from the client's cache (a reader of a known id never asks). */
    @Benchmark
    public Schema registrySchemaByIdCached() {
        return client.schemaById(frameSchemaId);
    }

    /** Id of a registered schema from the client's cache (what a serializer asks on a new topic). */
    @Benchmark
    public int registryRegisterCached() {
        return client.register(TOPIC + "-value", frameSchema);
    }

    /** Serving preprocessing of one frame (canonical size, center crop, scaling) into a reused batch buffer. */
    @Benchmark
    public float[] preprocess() {
        preprocessor.writeInput(face, buffer, 0);
        return buffer;
    }

    /** A stand-in for the Confluent REST API: it answers register and schema-by-id for one schema. */
    static final class RegistryStub {
        private static final ObjectMapper JSON = new ObjectMapper();

        static HttpServer start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            List<String> schemas = new ArrayList<>();
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                String body;
                synchronized (schemas) {
                    if ("POST".equals(exchange.getRequestMethod())) {
                        String schema = JSON.readTree(exchange.getRequestBody()).path("schema").asText();
                        int id = schemas.indexOf(schema);
                        if (id < 0) {
                            schemas.add(schema);
                            id = schemas.size() - 1;
                        }
                        body = "{\"id\":" + (id + 1) + "}";
                    } else if (path.startsWith("/schemas/ids/")) {
                        int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
                        body = JSON.writeValueAsString(java.util.Map.of("schema", schemas.get(id - 1)));
                    } else {
                        body = "{}";
                    }
                }
                reply(exchange, body);
            });
            server.start();
            return server;
        }

        private static void reply(HttpExchange exchange, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
