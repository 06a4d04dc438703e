package dev.emostream.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory registries shared by scope, for {@code schema.registry.url=mock://<scope>} as in Confluent's serdes:
 * every serde and client configured with the same scope in one JVM sees the same schemas and ids, so a
 * {@code TopologyTestDriver} test needs no registry process. Tests drop their scope when done.
 */
public final class MockSchemaRegistry {

    /** The URL scheme that selects a scope instead of a registry over HTTP. */
    public static final String SCHEME = "mock://";

    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    /** The registry of {@code scope}, created empty on first use. */
    public static InMemorySchemaRegistryClient clientForScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a scope and its schemas; the next use starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** True for a {@code mock://} URL. */
    public static boolean isMockUrl(String url) {
        return url != null && url.trim().startsWith(SCHEME);
    }

    /** The scope named by a {@code mock://} URL, without a trailing slash. */
    public static String scopeOf(String url) {
        String scope = url.trim().substring(SCHEME.length());
        while (scope.endsWith("/")) {
            scope = scope.substring(0, scope.length() - 1);
        }
        return scope;
    }
}
