package dev.emostream.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.schemas.Emotion;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.SampleRecords;
import dev.emostream.schemas.serde.AvroDeserializer;
import dev.emostream.schemas.serde.AvroSerdeConfig;
import dev.emostream.schemas.serde.AvroSerializer;

@ExtendWith(KafkaTestEnvironment.class)
class FaceFrameRoundTripIT {

    @Test
    @DisplayName("a FaceFrame produced through the real broker and registry is consumed back equal, and its schema id resolves over the Confluent API")
    void roundTrip(EmbeddedEnvironment env) throws Exception {
        String topic = env.createTopic(env.uniqueTopic("faces.cam"), 1);
        FaceFrame sent = SampleRecords.frame("frame-1", Emotion.HAPPY);

        // configured the way a Kafka client is configured from properties, by class name
        try (KafkaProducer<String, FaceFrame> producer = new KafkaProducer<>(env.clientProperties(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName())))) {
            producer.send(new ProducerRecord<>(topic, sent.getSourceId(), sent)).get();
        }

        FaceFrame received = (FaceFrame) consumeOne(env, topic, AvroDeserializer.class).value();
        byte[] raw = (byte[]) consumeOne(env, topic, ByteArrayDeserializer.class).value();

        assertThat(received).isEqualTo(sent);
        assertThat(raw[0]).isZero();
        int id = ByteBuffer.wrap(raw, 1, 4).getInt();
        HttpResponse<String> schemaById = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(env.registryBaseUrl() + "/apis/ccompat/v7/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(schemaById.statusCode()).isEqualTo(200);
        String schemaText = new ObjectMapper().readTree(schemaById.body()).get("schema").asText();
        assertThat(new Schema.Parser().parse(schemaText)).isEqualTo(FaceFrame.getClassSchema());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ConsumerRecord<String, Object> consumeOne(EmbeddedEnvironment env, String topic, Class<?> valueDeserializer) {
        Map<String, Object> props = env.clientProperties(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + valueDeserializer.getSimpleName() + "-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName(),
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, FaceFrame.class.getName()));
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer(props)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, Object>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).as("records on " + topic).hasSize(1);
            return records.get(0);
        }
    }
}
