package dev.emostream.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;

/**
 * A measurement, not a test (off unless {@code -Demostream.dashboard.cpu=true}): the dashboard's server-side CPU
 * with one viewer while a full-speed replay streams, as thread CPU time of its threads against the app's stream
 * threads and the whole process (which here also holds the broker). Numbers go in the log.
 */
@ExtendWith(KafkaTestEnvironment.class)
@EnabledIfSystemProperty(named = "emostream.dashboard.cpu", matches = "true")
class DashboardCpuIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardCpuIT.class);

    @TempDir
    Path dir;

    @Test
    @DisplayName("dashboard CPU with one viewer during a full-speed replay")
    void measure(EmbeddedEnvironment env) throws Exception {
        assumeTrue(Files.isExecutable(DashboardIT.CHROMIUM) && Files.isExecutable(DashboardIT.CHROMEDRIVER));
        int faces = Integer.getInteger("emostream.dashboard.cpu.faces", 3000);
        String run = "cpu" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", 2);
        Map<String, String> props = new HashMap<>(ItSupport.appProperties(env, run, dir.resolve("state"),
                dir.resolve("models")));
        for (String topic : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            env.createTopic(topic, 1);
        }
        String version = "cpu-" + run;
        TestModels.write(dir.resolve("models"), version, 5);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, faces));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

        try (EmotionStreamsApp app = DashboardIT.start(props)) {
            WebDriver browser = DashboardIT.browser();
            try {
                browser.get("http://127.0.0.1:" + app.httpPort() + "/");
                new WebDriverWait(browser, Duration.ofSeconds(60))
                        .until(b -> b.findElement(By.id("conn")).getText().equals("live"));
                Map<String, Long> before = cpuByGroup(threads, props.get("application.id"));
                long processBefore = os.getProcessCpuTime();
                long wallBefore = System.nanoTime();
                DashboardIT.replay(env, input, rows, false);
                DashboardIT.awaitAccuracy(app.httpPort(), version, faces);
                long wall = System.nanoTime() - wallBefore;
                long process = os.getProcessCpuTime() - processBefore;
                Map<String, Long> after = cpuByGroup(threads, props.get("application.id"));
                Map<String, Long> used = new TreeMap<>();
                after.forEach((k, v) -> used.put(k, v - before.getOrDefault(k, 0L)));
                long dashboard = used.getOrDefault("dashboard", 0L) + used.getOrDefault("http", 0L);
                long appCpu = used.getOrDefault("app", 0L);
                LOG.info("dashboard CPU: {} frames in {} ms wall; process CPU {} ms; app (stream + its clients) {} ms;"
                                + " dashboard threads {} ms = {}% of the app's threads, {}% of the process; by group: {}",
                        faces, wall / 1_000_000, process / 1_000_000, appCpu / 1_000_000, dashboard / 1_000_000,
                        String.format("%.2f", 100.0 * dashboard / appCpu), String.format("%.2f", 100.0 * dashboard / process),
                        used.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / 1_000_000 + "ms").toList());
                assertThat(appCpu).isPositive();
            } finally {
                browser.quit();
            }
        }
    }

    /** Thread CPU (ns) of live threads: the dashboard's, the HTTP server's, the app's Kafka Streams client's, the rest. */
    private static Map<String, Long> cpuByGroup(ThreadMXBean mx, String applicationId) {
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.getId());
            if (ns < 0) {
                continue;
            }
            String n = t.getName();
            String group = n.startsWith("dashboard-") ? "dashboard"
                    : n.equals("http") || n.startsWith("HTTP-Dispatcher") ? "http"
                    : n.contains(applicationId) ? "app" : "other";
            out.merge(group, ns, Long::sum);
        }
        return out;
    }
}
