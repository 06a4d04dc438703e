package dev.emostream.app.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import dev.emostream.embedded.junit.EmbeddedEnvironment;

/**
 * A broker and a schema registry a scenario runs against: the embedded pair of the default build, or the
 * Apache Kafka and Confluent Schema Registry containers of profile {@code containers}.
 */
public interface TestCluster {

    String bootstrapServers();

    /** A Confluent-compatible registry API (Apicurio's {@code /apis/ccompat/v7}, or Confluent's root). */
    String registryUrl();

    /** Creates {@code name} with replication factor 1 and returns it. */
    String createTopic(String name, int partitions);

    static TestCluster of(EmbeddedEnvironment env) {
        return new TestCluster() {
            @Override
            public String bootstrapServers() {
                return env.bootstrapServers();
            }

            @Override
            public String registryUrl() {
                return env.registryUrl();
            }

            @Override
            public String createTopic(String name, int partitions) {
                return env.createTopic(name, partitions);
            }
        };
    }

    /** Any broker and registry; topics are made with a short-lived admin client (scenario topics are new names). */
    static TestCluster of(String bootstrapServers, String registryUrl) {
        return new TestCluster() {
            @Override
            public String bootstrapServers() {
                return bootstrapServers;
            }

            @Override
            public String registryUrl() {
                return registryUrl;
            }

            @Override
            public String createTopic(String name, int partitions) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
                    return name;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                }
            }
        };
    }
}
