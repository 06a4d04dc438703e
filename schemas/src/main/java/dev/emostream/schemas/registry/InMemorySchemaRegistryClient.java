package dev.emostream.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A registry in memory, for {@code TopologyTestDriver} and other unit tests: same ids-per-schema and
 * compatibility semantics as Confluent Schema Registry (global ids shared by equal schemas across subjects,
 * default level BACKWARD), checked with Avro's own {@link SchemaCompatibility}.
 *
 * <p>{@link #simulateOutage(boolean)} makes every call fail as an unreachable registry would, to test the
 * retriable path. {@link #requestCount()} counts calls, to test that callers cache.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final CompatibilityLevel defaultLevel;
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean outage;
    private int nextId = 1;

    public InMemorySchemaRegistryClient() {
        this(CompatibilityLevel.BACKWARD);
    }

    public InMemorySchemaRegistryClient(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        enter();
        List<Schema> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            List<String> problems = incompatibilities(subject, schema);
            if (!problems.isEmpty()) {
                throw new IncompatibleSchemaException(subject, String.join("; ", problems));
            }
            versions.add(schema);
        }
        return idsBySchema.computeIfAbsent(schema, s -> {
            int id = nextId++;
            schemasById.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized OptionalInt lookup(String subject, Schema schema) {
        enter();
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        return versions.contains(schema) ? OptionalInt.of(idsBySchema.get(schema)) : OptionalInt.empty();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        enter();
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id);
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latestVersion(String subject) {
        enter();
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            throw new SchemaRegistryException("subject " + subject + " has no version (in-memory registry)", 404, 40401);
        }
        Schema latest = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, idsBySchema.get(latest), versions.size(), latest);
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        enter();
        levels.put(subject, level);
    }

    @Override
    public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
        enter();
        List<String> problems = incompatibilities(subject, schema);
        return new CompatibilityResult(problems.isEmpty(), problems);
    }

    /** While {@code true}, every call throws {@link SchemaRegistryUnavailableException}. */
    public void simulateOutage(boolean outage) {
        this.outage = outage;
    }

    /** Calls made so far, failed ones included. */
    public int requestCount() {
        return requests.get();
    }

    private void enter() {
        requests.incrementAndGet();
        if (outage) {
            throw new SchemaRegistryUnavailableException("mock://in-memory", 1, "simulated outage", null);
        }
    }

    private List<String> incompatibilities(String subject, Schema candidate) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (versions.isEmpty()) {
            return List.of();
        }
        CompatibilityLevel level = levels.getOrDefault(subject, defaultLevel);
        List<Schema> against = switch (level) {
            case NONE -> List.of();
            case BACKWARD, FORWARD, FULL -> List.of(versions.get(versions.size() - 1));
            case BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE -> versions;
        };
        boolean backward = level.name().startsWith("BACKWARD") || level.name().startsWith("FULL");
        boolean forward = level.name().startsWith("FORWARD") || level.name().startsWith("FULL");
        List<String> problems = new ArrayList<>();
        for (Schema existing : against) {
            if (backward) {
                check(candidate, existing, "new schema cannot read data written with an existing version", problems);
            }
            if (forward) {
                check(existing, candidate, "an existing version cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void check(Schema reader, Schema writer, String what, List<String> problems) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(i ->
                    problems.add(what + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
        }
    }
}
