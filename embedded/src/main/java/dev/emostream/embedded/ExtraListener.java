package dev.emostream.embedded;

import java.util.Locale;
import java.util.Map;

/**
 * A broker listener beside the PLAINTEXT one that {@link EmbeddedKafkaBroker} always keeps (inter-broker traffic,
 * the controller's clients, and admin work such as creating SCRAM users), for example SASL_SSL or SSL with
 * {@code ssl.client.auth=required}. The broker picks its free port.
 *
 * @param name             the listener name, e.g. {@code SCRAM} or {@code MTLS}
 * @param securityProtocol {@code SSL}, {@code SASL_SSL}, {@code SASL_PLAINTEXT} or {@code PLAINTEXT}
 * @param settings         this listener's own broker settings without the {@code listener.name.<name>.} prefix,
 *                         e.g. {@code ssl.keystore.location}, {@code sasl.enabled.mechanisms},
 *                         {@code scram-sha-512.sasl.jaas.config}
 */
public record ExtraListener(String name, String securityProtocol, Map<String, String> settings) {

    public ExtraListener {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("listener name must be letters, digits and '_': " + name);
        }
        name = name.toUpperCase(Locale.ROOT);
        if (name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
            throw new IllegalArgumentException("listener name " + name + " is taken by the embedded broker");
        }
        settings = Map.copyOf(settings);
    }

    /** The broker keys for {@link #settings()}: Kafka scopes a setting to a listener by this prefix. */
    Map<String, String> brokerSettings() {
        String prefix = "listener.name." + name.toLowerCase(Locale.ROOT) + ".";
        Map<String, String> out = new java.util.LinkedHashMap<>();
        settings.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }
}
