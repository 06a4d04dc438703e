package dev.emostream.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link SchemaRegistryClient} over the plain Confluent Schema Registry REST API, as served by Confluent
 * Schema Registry ({@code http://host:8081}) and by Apicurio Registry's compatibility layer
 * ({@code http://host:port/apis/ccompat/v7}). Only the JDK's HTTP client and Jackson: Confluent's client jars
 * are not on Maven Central.
 *
 * <p>Thread-safe. Registered and fetched schemas are cached in both directions for the life of the instance
 * (schema ids are immutable in both registries), so a serde asks the registry once per schema.
 *
 * <p>Connection failures, timeouts and 5xx/408/429 answers are retried with exponential backoff, then
 * reported as {@link SchemaRegistryUnavailableException}. With several URLs, every attempt tries each of them in
 * turn, starting from the one that answered last (sticky failover), so {@code max.retries=0} still reaches a
 * second registry when the first is down.
 *
 * <p>A 404 counts as "not found" only with Confluent's error code (40401 subject, 40402 version, 40403 schema);
 * a 404 without one comes from something that is not the registry API (a wrong base path, a proxy) and is a
 * {@link SchemaRegistryException}, so a misconfigured URL never makes good records look unknown.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    // Confluent error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors)
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int VERSION_NOT_FOUND = 40402;
    private static final int SCHEMA_NOT_FOUND = 40403;
    /** References nested deeper than this are refused: a cycle, or a schema nobody should write. */
    private static final int MAX_REFERENCE_DEPTH = 32;
    private static final String URL_KEY = SchemaRegistryClientConfig.URL;

    private final SchemaRegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final String authorization;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final AtomicBoolean cacheFullWarned = new AtomicBoolean();
    /** Index of the base URL that answered last: the next request starts there. */
    private final AtomicInteger currentUrl = new AtomicInteger();

    public RestSchemaRegistryClient(String baseUrl) {
        this(SchemaRegistryClientConfig.builder(baseUrl).build());
    }

    public RestSchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1: the JDK's h2c upgrade attempt on plain http confuses some proxies and buys nothing here
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout());
        config.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.authorization = config.bearerToken().map(token -> "Bearer " + token)
                .or(() -> config.basicAuthUserInfo().map(info ->
                        "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8))))
                .orElse(null);
    }

    public SchemaRegistryClientConfig config() {
        return config;
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return cached;
        }
        Response r = send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema));
        if (r.status() == 409) {
            // Apicurio answers the second of two identical registrations racing each other (app instances starting
            // together) with 409 "already exists", where Confluent's registry returns the id: if the schema is
            // there now, it is ours; only a schema still absent was refused as incompatible
            OptionalInt registered = lookup(subject, schema);
            if (registered.isPresent()) {
                return registered.getAsInt();
            }
            throw new IncompatibleSchemaException(subject, r.message());
        }
        requireOk(r, "register a schema under subject " + subject);
        int id = r.body().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registering under subject " + subject + " at " + r.url()
                    + ": response has no schema id: " + r.rawBody(), r.status(), 0);
        }
        remember(subject, schema, id);
        return id;
    }

    @Override
    public OptionalInt lookup(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        Response r = send("POST", "/subjects/" + segment(subject), schemaBody(schema));
        if (r.isNotFound(SUBJECT_NOT_FOUND, SCHEMA_NOT_FOUND)) {
            return OptionalInt.empty();
        }
        requireOk(r, "look up a schema under subject " + subject);
        int id = r.body().path("id").asInt(-1);
        if (id < 0) {
            return OptionalInt.empty();
        }
        remember(subject, schema, id);
        return OptionalInt.of(id);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Response r = send("GET", "/schemas/ids/" + id, null);
        if (r.isNotFound(SCHEMA_NOT_FOUND)) {
            throw new UnknownSchemaIdException(id, r.url(), r.message());
        }
        if (r.isNotFound(SUBJECT_NOT_FOUND, VERSION_NOT_FOUND)) {
            // Apicurio resolves references itself and answers this when a referenced subject version is gone
            throw new UnresolvedSchemaReferenceException(id, "schema id " + id + " at " + r.url()
                    + " references a schema the registry does not have: " + r.message());
        }
        requireOk(r, "fetch schema id " + id);
        String what = "schema id " + id + " at " + r.url();
        String type = r.body().path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new UnsupportedSchemaException(id, type, what + " is a " + type + " schema, not Avro");
        }
        Schema schema = parse(id, what, r.body(), new Schema.Parser(), new HashSet<>(), 0);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema latestVersion(String subject) {
        Response r = send("GET", "/subjects/" + segment(subject) + "/versions/latest", null);
        if (r.isNotFound(SUBJECT_NOT_FOUND, VERSION_NOT_FOUND)) {
            throw new SchemaRegistryException("subject " + subject + " has no version at " + r.url() + ": "
                    + r.message(), r.status(), r.errorCode());
        }
        requireOk(r, "fetch the latest version of subject " + subject);
        int id = r.body().path("id").asInt(-1);
        String type = r.body().path("schemaType").asText("AVRO");
        if (id < 0 || !"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("the latest version of subject " + subject + " at " + r.url()
                    + " is not an Avro schema with an id: " + r.rawBody(), r.status(), 0);
        }
        Schema schema = schemasById.get(id);
        if (schema == null) {
            try {
                schema = parse(id, "subject " + subject + " at " + r.url(), r.body(), new Schema.Parser(),
                        new HashSet<>(), 0);
            } catch (UnsupportedSchemaException | UnresolvedSchemaReferenceException e) {
                // our own subject: what is registered there is a setup problem, not a record's
                throw new SchemaRegistryException(e.getMessage(), r.status(), 0);
            }
            schemasById.putIfAbsent(id, schema);
        }
        return new RegisteredSchema(subject, id, r.body().path("version").asInt(), schema);
    }

    /**
     * Parses a schema answer ({@code schema} and optional {@code references}) into {@code parser}, the referenced
     * schemas first (depth first, each subject version once), as Confluent's client does: the named types they
     * define are then known when the referring schema is parsed.
     */
    private Schema parse(int id, String what, JsonNode answer, Schema.Parser parser, Set<String> resolved, int depth) {
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new UnresolvedSchemaReferenceException(id, what + ": references nested deeper than "
                    + MAX_REFERENCE_DEPTH + " (a cycle?)");
        }
        for (JsonNode ref : answer.path("references")) {
            String subject = ref.path("subject").asText("");
            String version = ref.path("version").asText("");
            if (!resolved.add(subject + "/" + version)) {
                continue;
            }
            Response r = send("GET", "/subjects/" + segment(subject) + "/versions/" + segment(version), null);
            if (r.isNotFound(SUBJECT_NOT_FOUND, VERSION_NOT_FOUND)) {
                throw new UnresolvedSchemaReferenceException(id, what + " references " + ref.path("name").asText("?")
                        + " (subject " + subject + " version " + version + "), which " + r.url() + " does not have: "
                        + r.message());
            }
            requireOk(r, "fetch schema reference " + subject + " version " + version + " of schema id " + id);
            String type = r.body().path("schemaType").asText("AVRO");
            if (!"AVRO".equalsIgnoreCase(type)) {
                throw new UnresolvedSchemaReferenceException(id, what + " references a " + type + " schema (subject "
                        + subject + " version " + version + ")");
            }
            parse(id, what, r.body(), parser, resolved, depth + 1);
        }
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException(what + ": response has no schema: " + answer, 200, 0);
        }
        try {
            return parser.parse(text);
        } catch (SchemaParseException e) {
            if (depth == 0 && answer.path("references").isEmpty()) {
                throw new UnsupportedSchemaException(id, "AVRO", what + " is not a valid Avro schema: " + e.getMessage());
            }
            throw new UnresolvedSchemaReferenceException(id, what + " does not parse with its references: "
                    + e.getMessage());
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        Response r = send("PUT", "/config/" + segment(subject), body);
        requireOk(r, "set compatibility " + level + " on subject " + subject);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        Response r = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        if (r.isNotFound(SUBJECT_NOT_FOUND, VERSION_NOT_FOUND)) {
            return CompatibilityResult.ok();
        }
        requireOk(r, "test compatibility under subject " + subject);
        boolean compatible = r.body().path("is_compatible").asBoolean(false);
        List<String> messages = new ArrayList<>();
        // Confluent answers "messages" (verbose=true); Apicurio's ccompat layer answers "reason"
        r.body().path("messages").forEach(m -> messages.add(m.asText()));
        JsonNode reason = r.body().path("reason");
        if (reason.isTextual()) {
            messages.add(reason.asText());
        }
        return new CompatibilityResult(compatible, messages);
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + config.baseUrls();
    }

    private Integer cachedId(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schema);
    }

    private void remember(String subject, Schema schema, int id) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        if (ids.size() < config.maxSchemasPerSubject()) {
            ids.putIfAbsent(schema, id);
        } else if (cacheFullWarned.compareAndSet(false, true)) {
            log.warn("subject {} has more than {} schemas; further ones are not cached (max.schemas.per.subject)",
                    subject, config.maxSchemasPerSubject());
        }
        schemasById.putIfAbsent(id, schema);
    }

    private ObjectNode schemaBody(Schema schema) {
        // schemaType is left out: AVRO is the default and registries older than Confluent 5.5 reject the field
        return json.createObjectNode().put("schema", schema.toString());
    }

    private static String segment(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void requireOk(Response r, String what) {
        if (r.status() / 100 != 2) {
            String hint = r.status() == 404 && !r.isNotFound(SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, SCHEMA_NOT_FOUND)
                    ? " (a 404 without a registry error code 4040x: is " + URL_KEY + " the base of the Confluent API? "
                            + "Apicurio serves it under /apis/ccompat/v7)"
                    : "";
            throw new SchemaRegistryException("cannot " + what + ": " + r.url() + " answered HTTP " + r.status()
                    + (r.errorCode() != 0 ? " (error " + r.errorCode() + ")" : "") + ": " + r.message() + hint,
                    r.status(), r.errorCode());
        }
    }

    private Response send(String method, String pathAndQuery, JsonNode body) {
        String payload;
        try {
            payload = body == null ? null : json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a request body", e);
        }
        int attempts = config.maxRetries() + 1;
        List<URI> bases = config.baseUrls();
        String lastFailure = null;
        Exception lastCause = null;
        String url = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            // every attempt goes round all URLs from the one that answered last: failover does not spend retries
            int first = currentUrl.get();
            for (int i = 0; i < bases.size(); i++) {
                int index = (first + i) % bases.size();
                url = bases.get(index) + pathAndQuery;
                try {
                    HttpResponse<String> resp = http.send(request(method, url, payload),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    Response r = new Response(url, resp.statusCode(), resp.body());
                    if (!isRetriable(resp.statusCode())) {
                        log.debug("{} {} -> {}", method, url, resp.statusCode());
                        currentUrl.set(index);
                        return r;
                    }
                    lastFailure = "HTTP " + resp.statusCode() + ": " + r.message();
                    lastCause = null;
                } catch (IOException e) {
                    lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    lastCause = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException("interrupted while calling the schema registry at " + url, e);
                }
                if (bases.size() > 1) {
                    log.warn("schema registry {} {} failed: {}; trying the next URL", method, url, lastFailure);
                    currentUrl.set((index + 1) % bases.size());
                }
            }
            if (attempt < attempts) {
                Duration wait = backoff(attempt);
                log.warn("schema registry {} {} failed (attempt {}/{}): {}; retrying in {} ms",
                        method, url, attempt, attempts, lastFailure, wait.toMillis());
                sleep(wait, url);
            }
        }
        throw new SchemaRegistryUnavailableException(url, attempts, lastFailure, lastCause);
    }

    private HttpRequest request(String method, String url, String payload) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT);
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        config.extraHeaders().forEach(req::header);
        if (payload != null) {
            req.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return req.build();
    }

    private static boolean isRetriable(int status) {
        // 500 included: Confluent reports its store and forwarding timeouts as 500 (error codes 50001-50003)
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private Duration backoff(int attempt) {
        long base = config.retryWait().toMillis();
        long max = config.retryMaxWait().toMillis();
        long exp = base << Math.min(attempt - 1, 20);
        long capped = Math.min(max, exp < 0 ? max : exp);
        // +-20% jitter so many clients failing together do not retry in lockstep
        long jitter = capped == 0 ? 0 : ThreadLocalRandom.current().nextLong(-capped / 5, capped / 5 + 1);
        return Duration.ofMillis(Math.max(0, Math.min(max, capped + jitter)));
    }

    private static void sleep(Duration wait, String url) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("interrupted while waiting to retry the schema registry at " + url, e);
        }
    }

    private final class Response {
        private final String url;
        private final int status;
        private final String rawBody;
        private JsonNode body;

        Response(String url, int status, String rawBody) {
            this.url = url;
            this.status = status;
            this.rawBody = rawBody == null ? "" : rawBody;
        }

        String url() {
            return url;
        }

        int status() {
            return status;
        }

        String rawBody() {
            return rawBody.length() > 500 ? rawBody.substring(0, 500) + "..." : rawBody;
        }

        JsonNode body() {
            if (body == null) {
                try {
                    body = rawBody.isBlank() ? json.createObjectNode() : json.readTree(rawBody);
                } catch (JsonProcessingException e) {
                    body = json.createObjectNode();
                }
            }
            return body;
        }

        int errorCode() {
            return body().path("error_code").asInt(0);
        }

        /** A 404 the registry API itself gave, with one of these Confluent error codes. */
        boolean isNotFound(int... codes) {
            if (status != 404) {
                return false;
            }
            int code = errorCode();
            for (int c : codes) {
                if (c == code) {
                    return true;
                }
            }
            return false;
        }

        /** The registry's "message", else the raw body: what a person needs to see. */
        String message() {
            JsonNode m = body().path("message");
            return m.isTextual() ? m.asText() : rawBody();
        }
    }
}
