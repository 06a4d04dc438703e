package dev.emostream.schemas.registry;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** Makes the registry client that Confluent-style properties ask for. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * A {@code mock://<scope>} URL gives that scope's in-memory registry ({@link MockSchemaRegistry}); anything else
     * a {@link RestSchemaRegistryClient} configured from the same properties.
     *
     * @throws ConfigException when the URL is missing, mixes mock and real URLs, or a value cannot be used
     */
    public static SchemaRegistryClient fromProperties(Map<String, ?> props) {
        Object url = props.get(SchemaRegistryClientConfig.URL);
        String urls = url instanceof java.util.List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList())
                : url == null ? null : url.toString();
        if (urls != null && urls.contains(MockSchemaRegistry.SCHEME)) {
            if (urls.contains(",")) {
                throw new ConfigException(SchemaRegistryClientConfig.URL, urls, "a mock:// URL must be the only one");
            }
            String scope = MockSchemaRegistry.scopeOf(urls);
            if (scope.isEmpty()) {
                throw new ConfigException(SchemaRegistryClientConfig.URL, urls, "mock:// needs a scope name");
            }
            return MockSchemaRegistry.clientForScope(scope);
        }
        return new RestSchemaRegistryClient(SchemaRegistryClientConfig.fromProperties(props));
    }
}
