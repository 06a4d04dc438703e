package dev.emostream.app.replay;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Picks a Kafka client's own keys out of the app's flat configuration (see {@code AppConfig}), so the replay and
 * submission tools take the same {@code --config} file and {@code EMOSTREAM_*} variables as {@code run}
 * (bootstrap servers, security settings) without passing Streams-only keys to a plain client. A key prefixed
 * with the client's prefix ({@code producer.}, {@code consumer.}) wins over the unprefixed one, as in Streams.
 */
final class ClientProperties {

    private ClientProperties() {
    }

    static Properties select(Map<String, String> props, Set<String> clientKeys, String prefix) {
        Properties out = new Properties();
        props.forEach((k, v) -> {
            if (clientKeys.contains(k)) {
                out.put(k, v);
            }
        });
        props.forEach((k, v) -> {
            if (k.startsWith(prefix) && clientKeys.contains(k.substring(prefix.length()))) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
