package dev.emostream.app.testing;

/**
 * The images docker-compose.yml deploys by default: the Testcontainers tests run the app against the same ones
 * ({@code ComposeFileTest} checks that the two agree).
 */
public final class DeployedImages {

    public static final String KAFKA = "apache/kafka:4.3.1";
    public static final String SCHEMA_REGISTRY = "confluentinc/cp-schema-registry:8.0.0";

    private DeployedImages() {
    }
}
