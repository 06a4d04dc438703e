package dev.emostream.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.emostream.app.instances.AppProcess;
import dev.emostream.app.instances.GroupAssignment;
import dev.emostream.model.csv.Fer2013Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "failover": app instances as child JVMs with one application id, a steady replay, one instance killed
 * (SIGKILL) part way. Counts the frame ids a {@code read_committed} reader finds (lost: never seen; duplicated:
 * seen more than once) and times kill to the first committed event, classified after the kill, on a partition the
 * killed instance held. What bounds that time (session timeout, the dead transaction's timeout) is in
 * docs/CAPACITY.md.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Kills one of several app instances (child JVMs, same application.id) during a replay; prints "
                + "frames lost and duplicated on the committed events topic and the failover time.")
class FailoverCommand implements Callable<Integer> {

    private static final String PHASE = "failover";

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--instances", defaultValue = "3", description = "App instances (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--partitions", defaultValue = "6",
            description = "Partitions of the input and events topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--standby-replicas", defaultValue = "0",
            description = "num.standby.replicas of every instance (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--rate", defaultValue = "100", description = "Frames per second sent (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--before-s", defaultValue = "20",
            description = "Seconds of replay before the kill (default: ${DEFAULT-VALUE}).")
    double beforeSeconds;

    @Option(names = "--after-s", defaultValue = "25",
            description = "Seconds of replay after the kill (default: ${DEFAULT-VALUE}).")
    double afterSeconds;

    @Option(names = "--session-timeout-ms", defaultValue = "6000",
            description = "consumer.session.timeout.ms: how long the group waits for a silent member (default: "
                    + "${DEFAULT-VALUE}, the broker's minimum; Kafka's own default is 45000).")
    int sessionTimeoutMs;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Any other app, Streams or client property of the instances (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (instances < 2) {
            throw new IllegalArgumentException("--instances must be at least 2: one is killed, one takes over");
        }
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), 3589);
        int frames = (int) Math.round(rate * (beforeSeconds + afterSeconds));
        List<String> names = IntStream.range(0, instances).mapToObj(i -> "instance-" + i).toList();
        String victim = names.get(0);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        Map<Integer, Long> firstAfterKill = new ConcurrentHashMap<>();
        AtomicLong killedAtMs = new AtomicLong(Long.MAX_VALUE);
        AtomicLong killedAtNanos = new AtomicLong();
        Path logs = Files.createTempDirectory("emostream-failover");
        List<AppProcess> apps = new ArrayList<>();
        Set<Integer> moved;
        Map<String, Set<Integer>> before;
        Map<String, Set<Integer>> after;
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (MemorySampler memory = new MemorySampler(1000);
             EndToEndRun run = new EndToEndRun(
                     EndToEndOptions.of(partitions, 0, 10 * partitions, "failover"), file, faces, memory).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, run.bootstrapServers()))) {
            run.listen((record, event, seenNanos) -> {
                if (!event.getFrameId().startsWith(PHASE + "-")) {
                    return;
                }
                seen.merge(event.getFrameId(), 1, Integer::sum);
                if (event.getClassifiedTime().toEpochMilli() >= killedAtMs.get()) {
                    firstAfterKill.putIfAbsent(record.partition(), seenNanos);
                }
            });
            String appId = run.appProperties(0).get("application.id");
            for (int i = 0; i < instances; i++) {
                Map<String, String> own = run.appProperties(i);
                own.put("client.id", names.get(i));
                own.put("num.standby.replicas", String.valueOf(standbyReplicas));
                own.put("consumer.session.timeout.ms", String.valueOf(sessionTimeoutMs));
                own.put("consumer.heartbeat.interval.ms", String.valueOf(Math.max(500, sessionTimeoutMs / 6)));
                own.putAll(properties);
                apps.add(AppProcess.start(names.get(i), own, logs,
                        ManagementFactory.getRuntimeMXBean().getInputArguments()));
            }
            before = GroupAssignment.await(admin, appId, EndToEndRun.INPUT, names,
                    a -> a.coversExactly(Set.copyOf(names), partitions)
                            && names.stream().noneMatch(n -> a.of(n).isEmpty()), Duration.ofMinutes(3)).partitions();
            System.err.printf("failover: %d instances up, partitions %s; sending %d frames at %.0f/s%n", instances,
                    before, frames, rate);

            Future<EndToEndRun.Phase> replay = sender.submit(() -> run.run(PHASE, frames, rate, null));
            Thread.sleep((long) (beforeSeconds * 1000));
            moved = GroupAssignment.read(admin, appId, EndToEndRun.INPUT, names).of(victim);
            killedAtMs.set(System.currentTimeMillis());
            killedAtNanos.set(System.nanoTime());
            apps.get(0).kill();
            System.err.printf("failover: killed %s holding partitions %s after %d events%n", victim, moved,
                    seen.size());
            Set<String> survivors = new TreeSet<>(names.subList(1, names.size()));
            after = GroupAssignment.await(admin, appId, EndToEndRun.INPUT, names,
                    a -> a.coversExactly(survivors, partitions), Duration.ofMinutes(2)).partitions();

            awaitAll(seen, frames, Duration.ofSeconds((long) afterSeconds + 120));
            Thread.sleep(3000); // a duplicate would come after the last first copy: keep reading a little
            replay.cancel(true);
        } finally {
            sender.shutdownNow();
            for (AppProcess app : apps) {
                app.close();
            }
        }

        long lost = IntStream.range(0, frames).filter(i -> !seen.containsKey(PHASE + "-" + i)).count();
        long duplicated = seen.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        long failoverMs = moved.stream().filter(firstAfterKill::containsKey)
                .mapToLong(p -> firstAfterKill.get(p) - killedAtNanos.get()).min().orElse(-1_000_000) / 1_000_000;
        long allMovedMs = moved.stream().allMatch(firstAfterKill::containsKey)
                ? moved.stream().mapToLong(p -> firstAfterKill.get(p) - killedAtNanos.get()).max().orElse(0) / 1_000_000
                : -1;
        System.out.printf("failover, %d instances as child JVMs, %d partitions, %.0f frames/s, model %s:%n",
                instances, partitions, rate, file.getFileName());
        System.out.printf("  before the kill: %s%n  after: %s%n  moved: %s%n", before, after, moved);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instances", instances);
        body.put("partitions", partitions);
        body.put("standbyReplicas", standbyReplicas);
        body.put("sessionTimeoutMs", sessionTimeoutMs);
        body.put("rate", rate);
        body.put("frames", frames);
        body.put("assignmentBefore", before);
        body.put("assignmentAfter", after);
        body.put("movedPartitions", moved);
        body.put("lost", lost);
        body.put("duplicated", duplicated);
        body.put("failoverMs", failoverMs);
        body.put("allMovedPartitionsMs", allMovedMs);
        body.put("properties", properties);
        body.put("logs", logs.toString());
        System.out.println("json: " + Results.write("failover-i" + instances + "-s" + standbyReplicas, body));
        System.out.printf("failover: instances=%d killed=1 lost=%d duplicated=%d failover_ms=%d all_moved_ms=%d "
                        + "standby=%d session_timeout_ms=%d%n", instances, lost, duplicated, failoverMs, allMovedMs,
                standbyReplicas, sessionTimeoutMs);
        return lost == 0 && duplicated == 0 ? 0 : 1;
    }

    private static void awaitAll(Map<String, Integer> seen, int frames, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (seen.size() < frames && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (seen.size() < frames) {
            System.err.printf("failover: %d of %d frames seen within %s%n", seen.size(), frames, timeout);
        }
    }
}
