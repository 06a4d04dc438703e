package dev.emostream.app.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Masks the secrets in the app's flat configuration before anything of it is logged: the values of keys Kafka itself
 * types as passwords (also under a {@code producer.}, {@code consumer.}, {@code listener.name.x.} or other prefix),
 * of keys whose names say they are secret (the schema-registry client's {@code basic.auth.user.info} and store
 * passwords, {@code bearer.auth.token}), and credentials written into a URL ({@code https://user:password@registry}).
 */
public final class SecretRedactor {

    public static final String HIDDEN = "[hidden]";

    /** Kafka's own PASSWORD-typed keys: {@code sasl.jaas.config}, {@code ssl.keystore.key}, ... */
    private static final Set<String> KAFKA_PASSWORD_KEYS = passwordKeys(ProducerConfig.configDef(),
            ConsumerConfig.configDef(), AdminClientConfig.configDef(), StreamsConfig.configDef());
    /** For keys Kafka does not define: names saying what they hold. */
    private static final Set<String> SECRET_WORDS = Set.of("password", "passphrase", "secret", "jaas", "user.info");
    /** Key endings for tokens ({@code bearer.auth.token}); not every key that mentions a token holds one. */
    private static final Set<String> SECRET_ENDINGS = Set.of(".token");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s,]+@");

    private SecretRedactor() {
    }

    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String password : KAFKA_PASSWORD_KEYS) {
            if (k.equals(password) || k.endsWith("." + password)) {
                return true;
            }
        }
        return SECRET_WORDS.stream().anyMatch(k::contains) || SECRET_ENDINGS.stream().anyMatch(k::endsWith);
    }

    /** {@code value} as it may be logged. */
    public static String redact(String key, String value) {
        if (value == null) {
            return null;
        }
        return isSecret(key) ? HIDDEN : URL_USER_INFO.matcher(value).replaceAll(HIDDEN + "@");
    }

    /** Everything, sorted by key, secrets masked. */
    public static Map<String, String> redact(Map<String, String> values) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, redact(k, v)));
        return out;
    }

    private static Set<String> passwordKeys(ConfigDef... defs) {
        Set<String> keys = new HashSet<>();
        for (ConfigDef def : defs) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    keys.add(name);
                }
            });
        }
        return Set.copyOf(keys);
    }
}
