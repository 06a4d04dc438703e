package dev.emostream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach a schema registry. Built in code with {@link #builder(String)} or from Kafka-style
 * properties with {@link #fromProperties(Map)}, using the keys Confluent's clients use, so one properties
 * file configures both.
 *
 * <p>{@link #toString()} never shows credentials or store passwords.
 */
public final class SchemaRegistryClientConfig {

    /** Base URL(s), comma separated, e.g. {@code http://sr:8081} or {@code http://localhost:8080/apis/ccompat/v7}. */
    public static final String URL = "schema.registry.url";
    /** {@code USER_INFO} (use {@link #BASIC_AUTH_USER_INFO}) or {@code URL} (use the user info in the URL). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for HTTP basic authentication. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** {@code STATIC_TOKEN} (use {@link #BEARER_AUTH_TOKEN}); unset for no bearer authentication. */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** The token sent as {@code Authorization: Bearer <token>} with {@code STATIC_TOKEN}. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** Confluent Cloud: the registry's logical cluster id, sent as the {@code target-sr-cluster} header. */
    public static final String BEARER_AUTH_LOGICAL_CLUSTER = "bearer.auth.logical.cluster";
    /** Confluent Cloud: the identity pool id, sent as the {@code Confluent-Identity-Pool-Id} header. */
    public static final String BEARER_AUTH_IDENTITY_POOL_ID = "bearer.auth.identity.pool.id";
    /** Retries after the first attempt when the registry is unreachable or answers 5xx/408/429. Default 3. */
    public static final String MAX_RETRIES = "max.retries";
    /** Wait before the first retry, doubled for each further retry. Default 200. */
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    /** Upper bound of the wait between retries. Default 5000. */
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    /** TCP connect timeout. Default 5000. */
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Time to wait for a response. Default 10000. */
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** Upper bound of cached schemas per subject (Confluent's name); beyond it, lookups go to the registry. Default 1000. */
    public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";

    private final List<URI> baseUrls;
    private final String basicAuthUserInfo;
    private final String bearerToken;
    private final Map<String, String> extraHeaders;
    private final SSLContext sslContext;
    private final int maxRetries;
    private final Duration retryWait;
    private final Duration retryMaxWait;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxSchemasPerSubject;

    private SchemaRegistryClientConfig(Builder b) {
        this.baseUrls = List.copyOf(b.baseUrls);
        this.basicAuthUserInfo = b.basicAuthUserInfo;
        this.bearerToken = b.bearerToken;
        this.extraHeaders = Map.copyOf(b.extraHeaders);
        this.sslContext = b.sslContext;
        this.maxRetries = b.maxRetries;
        this.retryWait = b.retryWait;
        this.retryMaxWait = b.retryMaxWait;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxSchemasPerSubject = b.maxSchemasPerSubject;
    }

    public static Builder builder(String baseUrls) {
        return new Builder(baseUrls);
    }

    /**
     * Reads the keys declared in this class; other keys (serializer or Kafka settings in the same map) are
     * ignored.
     *
     * @throws ConfigException when {@value #URL} is missing or a value cannot be used
     */
    public static SchemaRegistryClientConfig fromProperties(Map<String, ?> props) {
        String urls = string(props, URL);
        if (urls == null || urls.isBlank()) {
            throw new ConfigException(URL, urls, "a schema registry URL is required");
        }
        Builder b = builder(urls);
        String source = Optional.ofNullable(string(props, BASIC_AUTH_CREDENTIALS_SOURCE)).orElse("USER_INFO");
        String userInfo = string(props, BASIC_AUTH_USER_INFO);
        if ("USER_INFO".equalsIgnoreCase(source) && userInfo != null && !userInfo.isEmpty()) {
            b.basicAuthUserInfo(userInfo);
        } else if (!"USER_INFO".equalsIgnoreCase(source) && !"URL".equalsIgnoreCase(source)) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported: USER_INFO, URL");
        }
        bearerAuth(props, b);
        b.maxRetries(integer(props, MAX_RETRIES, b.maxRetries));
        b.retryBackoff(Duration.ofMillis(integer(props, RETRIES_WAIT_MS, (int) b.retryWait.toMillis())),
                Duration.ofMillis(integer(props, RETRIES_MAX_WAIT_MS, (int) b.retryMaxWait.toMillis())));
        b.connectTimeout(Duration.ofMillis(integer(props, CONNECT_TIMEOUT_MS, (int) b.connectTimeout.toMillis())));
        b.requestTimeout(Duration.ofMillis(integer(props, READ_TIMEOUT_MS, (int) b.requestTimeout.toMillis())));
        b.maxSchemasPerSubject(integer(props, MAX_SCHEMAS_PER_SUBJECT, b.maxSchemasPerSubject));
        if (string(props, SSL_TRUSTSTORE_LOCATION) != null || string(props, SSL_KEYSTORE_LOCATION) != null) {
            b.sslContext(sslContextFrom(props));
        }
        return b.build();
    }

    private static void bearerAuth(Map<String, ?> props, Builder b) {
        String source = string(props, BEARER_AUTH_CREDENTIALS_SOURCE);
        String token = string(props, BEARER_AUTH_TOKEN);
        if (source == null || source.isEmpty()) {
            if (token != null && !token.isEmpty()) {
                // a token that is silently not sent would surface later as a puzzling 401
                throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE, null,
                        BEARER_AUTH_TOKEN + " is set: set " + BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN to send it");
            }
            return;
        }
        if (!"STATIC_TOKEN".equalsIgnoreCase(source)) {
            throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE, source,
                    "supported: STATIC_TOKEN (OAUTHBEARER, SASL_OAUTHBEARER_INHERIT and CUSTOM are not)");
        }
        if (token == null || token.isEmpty()) {
            throw new ConfigException(BEARER_AUTH_TOKEN, null, "is required with " + BEARER_AUTH_CREDENTIALS_SOURCE
                    + "=STATIC_TOKEN");
        }
        if (b.basicAuthUserInfo != null) {
            throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE, source,
                    "basic and bearer authentication are both configured; a request carries one Authorization header");
        }
        b.bearerToken(token);
        String cluster = string(props, BEARER_AUTH_LOGICAL_CLUSTER);
        if (cluster != null && !cluster.isEmpty()) {
            b.header("target-sr-cluster", cluster);
        }
        String pool = string(props, BEARER_AUTH_IDENTITY_POOL_ID);
        if (pool != null && !pool.isEmpty()) {
            b.header("Confluent-Identity-Pool-Id", pool);
        }
    }

    public List<URI> baseUrls() {
        return baseUrls;
    }

    /** {@code user:password}, if basic authentication is configured. */
    public Optional<String> basicAuthUserInfo() {
        return Optional.ofNullable(basicAuthUserInfo);
    }

    /** The bearer token, if {@code bearer.auth.credentials.source=STATIC_TOKEN}. */
    public Optional<String> bearerToken() {
        return Optional.ofNullable(bearerToken);
    }

    /** Headers sent with every request besides Authorization (Confluent Cloud's cluster and pool ids). */
    public Map<String, String> extraHeaders() {
        return extraHeaders;
    }

    /** The SSL context for https URLs; empty means the JVM default (javax.net.ssl.* system properties). */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    public int maxRetries() {
        return maxRetries;
    }

    public Duration retryWait() {
        return retryWait;
    }

    public Duration retryMaxWait() {
        return retryMaxWait;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public int maxSchemasPerSubject() {
        return maxSchemasPerSubject;
    }

    @Override
    public String toString() {
        return "SchemaRegistryClientConfig{urls=" + baseUrls
                + ", basicAuth=" + (basicAuthUserInfo == null ? "none" : "[hidden]")
                + ", bearerAuth=" + (bearerToken == null ? "none" : "[hidden]")
                + ", ssl=" + (sslContext == null ? "default" : "custom")
                + ", maxRetries=" + maxRetries + ", retryWait=" + retryWait + ", retryMaxWait=" + retryMaxWait
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "}";
    }

    private static String string(Map<String, ?> props, String key) {
        Object v = props.get(key);
        if (v == null) {
            return null;
        }
        // Kafka hands passwords over as org.apache.kafka.common.config.types.Password, whose toString hides them.
        if (v instanceof org.apache.kafka.common.config.types.Password p) {
            return p.value();
        }
        if (v instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return v.toString().trim();
    }

    private static int integer(Map<String, ?> props, String key, int defaultValue) {
        String v = string(props, key);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not an integer");
        }
    }

    private static SSLContext sslContextFrom(Map<String, ?> props) {
        try {
            TrustManagerFactory tmf = null;
            String trustLocation = string(props, SSL_TRUSTSTORE_LOCATION);
            if (trustLocation != null) {
                KeyStore trust = load(trustLocation, string(props, SSL_TRUSTSTORE_PASSWORD),
                        Optional.ofNullable(string(props, SSL_TRUSTSTORE_TYPE)).orElse("PKCS12"), SSL_TRUSTSTORE_LOCATION);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            String keyLocation = string(props, SSL_KEYSTORE_LOCATION);
            if (keyLocation != null) {
                String storePassword = string(props, SSL_KEYSTORE_PASSWORD);
                KeyStore keys = load(keyLocation, storePassword,
                        Optional.ofNullable(string(props, SSL_KEYSTORE_TYPE)).orElse("PKCS12"), SSL_KEYSTORE_LOCATION);
                String keyPassword = Optional.ofNullable(string(props, SSL_KEY_PASSWORD)).orElse(storePassword);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, keyPassword == null ? null : keyPassword.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("cannot build the schema registry SSL context: " + e.getMessage());
        }
    }

    private static KeyStore load(String location, String password, String type, String key)
            throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.toCharArray());
        } catch (IOException e) {
            throw new ConfigException(key, location, "cannot read " + type + " store: " + e.getMessage());
        }
        return store;
    }

    public static final class Builder {
        private final List<URI> baseUrls = new ArrayList<>();
        private String basicAuthUserInfo;
        private String bearerToken;
        private final Map<String, String> extraHeaders = new java.util.LinkedHashMap<>();
        private SSLContext sslContext;
        private int maxRetries = 3;
        private Duration retryWait = Duration.ofMillis(200);
        private Duration retryMaxWait = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxSchemasPerSubject = 1000;

        private Builder(String urls) {
            Objects.requireNonNull(urls, "urls");
            for (String raw : urls.split(",")) {
                String u = raw.trim();
                if (u.isEmpty()) {
                    continue;
                }
                while (u.endsWith("/")) {
                    u = u.substring(0, u.length() - 1);
                }
                URI uri;
                try {
                    uri = URI.create(u);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(URL, raw, "not a URL: " + e.getMessage());
                }
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    throw new ConfigException(URL, raw, "expected an http:// or https:// URL with a host");
                }
                if (uri.getRawUserInfo() != null) {
                    // credentials in the URL (basic.auth.credentials.source=URL) travel as a header, never in logs
                    basicAuthUserInfo = java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8);
                    uri = URI.create(uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1)
                            + (uri.getRawPath() == null ? "" : uri.getRawPath()));
                }
                baseUrls.add(uri);
            }
            if (baseUrls.isEmpty()) {
                throw new ConfigException(URL, urls, "a schema registry URL is required");
            }
        }

        /** {@code user:password}. */
        public Builder basicAuthUserInfo(String userInfo) {
            if (userInfo != null && !userInfo.contains(":")) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
            }
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        public Builder basicAuth(String user, String password) {
            return basicAuthUserInfo(user + ":" + password);
        }

        /** Sent as {@code Authorization: Bearer <token>}. */
        public Builder bearerToken(String token) {
            this.bearerToken = token;
            return this;
        }

        /** A header sent with every request. */
        public Builder header(String name, String value) {
            extraHeaders.put(name, value);
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** Retries after the first attempt; 0 means a single attempt. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new ConfigException(MAX_RETRIES, maxRetries, "must be >= 0");
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Exponential backoff: {@code initial}, doubled per retry, capped at {@code max}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new ConfigException(RETRIES_WAIT_MS, initial.toMillis(), "need 0 <= wait <= max wait (" + max.toMillis() + ")");
            }
            this.retryWait = initial;
            this.retryMaxWait = max;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder maxSchemasPerSubject(int max) {
            if (max < 1) {
                throw new ConfigException(MAX_SCHEMAS_PER_SUBJECT, max, "must be >= 1");
            }
            this.maxSchemasPerSubject = max;
            return this;
        }

        public SchemaRegistryClientConfig build() {
            return new SchemaRegistryClientConfig(this);
        }
    }
}
