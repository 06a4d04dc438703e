package dev.emostream.embedded.junit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving integration tests a real single-node Kafka broker and a real schema registry,
 * started once per test JVM and shared by every test class that uses it, stopped when the run ends.
 *
 * <pre>{@code
 * @ExtendWith(KafkaTestEnvironment.class)
 * class FaceFrameRoundTripIT {
 *     @Test
 *     void roundTrip(EmbeddedEnvironment env) {
 *         String topic = env.createTopic("faces.cam-1", 1);
 *         ... env.bootstrapServers(), env.registryUrl() ...
 *     }
 * }
 * }</pre>
 *
 * <p>Parameters of type {@link EmbeddedEnvironment} are injected into test methods, lifecycle methods and
 * constructors. Because the broker is shared, tests should use topic names of their own
 * ({@link EmbeddedEnvironment#uniqueTopic(String)}).
 *
 * <p>The pair lives in the root {@link ExtensionContext.Store}: JUnit closes it (an {@link AutoCloseable})
 * after the last test of the run, and each part also has a JVM shutdown hook should the run be killed.
 */
public final class KafkaTestEnvironment implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaTestEnvironment.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        environment(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return parameterContext.getParameter().getType() == EmbeddedEnvironment.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return environment(extensionContext);
    }

    /** The shared environment, started on first use. */
    public static EmbeddedEnvironment environment(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedEnvironment.class, k -> EmbeddedEnvironment.start(), EmbeddedEnvironment.class);
    }
}
