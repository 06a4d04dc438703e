package dev.emostream.app.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.header.Header;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.cli.StreamsAppCli;
import dev.emostream.app.instances.AppProcess;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.Frames;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.topology.DeadLetterHeaders;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.serde.AvroSerializer;

/** What the fault-injection tests share: the app in-process or as a child JVM, its log, dead-letter reasons. */
final class FaultSupport {

    private FaultSupport() {
    }

    /** Starts the app in this JVM with exactly {@code props} (no environment, no file). */
    static EmotionStreamsApp startApp(Map<String, String> props) throws Exception {
        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
    }

    /** {@link ItSupport#appProperties} for a broker and registry of the fault test's own, without HTTP. */
    static Map<String, String> appProperties(String bootstrap, String registryUrl, String run, Path stateDir,
                                             Path model) {
        Map<String, String> p = ItSupport.appProperties(bootstrap, registryUrl, run, stateDir, model);
        p.put("http.port", "-1");
        return p;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Path writeConfig(Path file, Map<String, String> props) throws IOException {
        Properties p = new Properties();
        p.putAll(props);
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "fault-injection test");
        }
        return file;
    }

    /** {@code streams-app <args>} in a child JVM on this test's classpath, output to {@code log}. */
    static Process childApp(Path log, String... args) throws IOException {
        ProcessBuilder pb = childJvm(List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxbytes=1G"), StreamsAppCli.class,
                args);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().keySet().removeIf(k -> k.startsWith("EMOSTREAM_"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** {@code java <jvmOptions> -cp <this test's classpath> <main> <args>}, not started. */
    static ProcessBuilder childJvm(List<String> jvmOptions, Class<?> main, String... args) {
        return new ProcessBuilder(AppProcess.javaCommand(jvmOptions, main, args));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static String reason(ConsumerRecord<?, ?> r) {
        return header(r, DeadLetterHeaders.REASON);
    }

    /**
     * Sends one frame per row in the background, {@code gapMs} apart, alternating sources {@code cam-a} and
     * {@code cam-b}; every {@code badEvery}-th frame is a pixel short (a {@code SIZE_MISMATCH} dead letter).
     */
    static CompletableFuture<Void> sendWithBadFrames(KafkaProducer<byte[], byte[]> producer,
                                                     AvroSerializer<FaceFrame> serializer, String topic,
                                                     List<Fer2013Row> rows, int badEvery, long gapMs) {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < rows.size(); i++) {
                String source = i % 2 == 0 ? "cam-a" : "cam-b";
                FaceFrame frame = i % badEvery == badEvery - 1
                        ? Frames.frame("row-" + rows.get(i).index(), source, 48, 48, new byte[2303], null)
                        : ItSupport.frame(rows.get(i), source);
                producer.send(new ProducerRecord<>(topic, source.getBytes(), serializer.serialize(topic, frame)));
                pause(gapMs);
            }
            producer.flush();
        });
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Collects what {@code loggerName} (and its children) log while open. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture(String loggerName) {
            logger = (Logger) LoggerFactory.getLogger(loggerName);
            appender.start();
            logger.addAppender(appender);
        }

        List<String> lines() {
            synchronized (appender) {
                return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
