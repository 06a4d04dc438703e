package dev.emostream.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClientConfig;
import dev.emostream.schemas.registry.SchemaRegistryException;
import dev.emostream.schemas.registry.UnknownSchemaIdException;
import dev.emostream.schemas.registry.UnsupportedSchemaException;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerdeConfig;
import dev.emostream.schemas.serde.AvroSerializer;
import dev.emostream.schemas.serde.FaceSerdeException;

/** The client and serde under Confluent's keys and error codes, against the real registry process. */
@ExtendWith(KafkaTestEnvironment.class)
class ConfluentBehaviourIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static int registerRaw(EmbeddedEnvironment env, String subject, Map<String, ?> body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(env.registryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("id").asInt();
    }

    @Test
    @DisplayName("a Protobuf schema id is UnsupportedSchemaException (bad data), not a registry error")
    void protobufId(EmbeddedEnvironment env) throws Exception {
        int id = registerRaw(env, env.uniqueTopic("proto") + "-value", Map.of("schemaType", "PROTOBUF",
                "schema", "syntax = \"proto3\";\nmessage Face { string id = 1; }\n"));

        assertThatThrownBy(() -> new RestSchemaRegistryClient(env.registryUrl()).schemaById(id))
                .isInstanceOfSatisfying(UnsupportedSchemaException.class,
                        e -> assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.BAD_DATA));
    }

    @Test
    @DisplayName("an id the registry never issued is unknown (40403); the same request without the API's base path is a configuration error")
    void unknownIdAgainstWrongBasePath(EmbeddedEnvironment env) {
        assertThatThrownBy(() -> new RestSchemaRegistryClient(env.registryUrl()).schemaById(987_654))
                .isInstanceOf(UnknownSchemaIdException.class);
        assertThatThrownBy(() -> new RestSchemaRegistryClient(env.registryBaseUrl()).schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.kind()).isEqualTo(FaceSerdeException.Kind.CONFIGURATION);
                })
                .hasMessageContaining("/apis/ccompat/v7");
    }

    @Test
    @DisplayName("RecordNameStrategy registers under the record's full name, and lookup finds it there")
    void recordNameStrategy(EmbeddedEnvironment env) {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(env.registryUrl());
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(client);
        serializer.configure(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false);
        byte[] bytes = serializer.serialize(env.uniqueTopic("faces.rns"), SampleRecords.frame("f", null));

        assertThat(new RestSchemaRegistryClient(env.registryUrl())
                .lookup("dev.emostream.schemas.FaceFrame", FaceFrame.getClassSchema()))
                .hasValue(ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @Test
    @DisplayName("use.latest.version writes with the id of the subject's latest version, which a FaceFrame reader reads")
    void useLatestVersion(EmbeddedEnvironment env) {
        String topic = env.uniqueTopic("faces.latest");
        RestSchemaRegistryClient admin = new RestSchemaRegistryClient(env.registryUrl());
        admin.register(topic + "-value", FaceFrame.getClassSchema());
        int latest = admin.register(topic + "-value", SampleRecords.faceFrameWithExtraField(true));
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(SchemaRegistryClientConfig.URL, env.registryUrl(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false", AvroSerdeConfig.USE_LATEST_VERSION, "true"), false);
        FaceFrame frame = SampleRecords.frame("f-latest", null);

        byte[] bytes = serializer.serialize(topic, frame);

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latest);
        assertThat(new AvroDeserializer<>(FaceFrame.class, admin).deserialize(topic, bytes)).isEqualTo(frame);
    }
}
