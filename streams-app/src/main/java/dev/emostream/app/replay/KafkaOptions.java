package dev.emostream.app.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.schemas.registry.SchemaRegistryClient;
import dev.emostream.schemas.registry.SchemaRegistryClients;
import picocli.CommandLine.Option;

/**
 * The connection options the tools share with {@code run}: the same file, environment and {@code --property} layers
 * ({@link ConfigLoader}), so one config file serves the app, the replay and the submission.
 */
public final class KafkaOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Properties file (the same as for run: bootstrap.servers, schema.registry.url, security...).")
    Path config;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "Overrides one property; repeatable. Also EMOSTREAM_<NAME> environment variables.")
    List<String> properties = new ArrayList<>();

    public AppConfig load() {
        return ConfigLoader.load(config, System.getenv(), properties);
    }

    public static Properties producer(AppConfig config) {
        return ClientProperties.select(config.registryProperties(), ProducerConfig.configNames(), "producer.");
    }

    public static Properties consumer(AppConfig config) {
        return ClientProperties.select(config.registryProperties(), ConsumerConfig.configNames(), "consumer.");
    }

    public static Properties admin(AppConfig config) {
        return ClientProperties.select(config.registryProperties(), AdminClientConfig.configNames(), "admin.");
    }

    public static SchemaRegistryClient registry(AppConfig config) {
        return SchemaRegistryClients.fromProperties(config.registryProperties());
    }
}
