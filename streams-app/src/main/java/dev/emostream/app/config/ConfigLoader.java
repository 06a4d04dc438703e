package dev.emostream.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;

/**
 * Builds an {@link AppConfig} from four layers, later wins: built-in defaults, a properties file, the
 * environment, and {@code key=value} overrides from the command line.
 *
 * <p>Environment rule: a variable {@code EMOSTREAM_<NAME>} sets the property named by {@code <NAME>} in lower
 * case with each {@code _} turned into {@code .}; for example {@code EMOSTREAM_BOOTSTRAP_SERVERS} sets
 * {@code bootstrap.servers} and {@code EMOSTREAM_CLASSIFIER_BATCH_SIZE} sets {@code classifier.batch.size}.
 * No Kafka or app property has an underscore in its name, so the rule is unambiguous. The variables the
 * launcher itself reads ({@link #LAUNCHER_VARIABLES}) are not properties and are skipped.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "EMOSTREAM_";
    /** Read by bin/streams-app and ModelLocator, not properties. */
    public static final Set<String> LAUNCHER_VARIABLES = Set.of("EMOSTREAM_MODELS");

    private ConfigLoader() {
    }

    public static AppConfig load(Path file, Map<String, String> environment, List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(AppConfig.defaults());
        if (file != null) {
            values.putAll(readFile(file));
        }
        values.putAll(fromEnvironment(environment));
        values.putAll(parseOverrides(overrides));
        return new AppConfig(values);
    }

    static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /** The properties named by {@code EMOSTREAM_*} variables. */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()
                    && !LAUNCHER_VARIABLES.contains(name)) {
                out.put(propertyName(name), value);
            }
        });
        return out;
    }

    /** {@code EMOSTREAM_BOOTSTRAP_SERVERS} -> {@code bootstrap.servers}. */
    public static String propertyName(String variable) {
        return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    static Map<String, String> parseOverrides(List<String> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--property expects key=value, got '" + o + "'");
            }
            out.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        return out;
    }
}
