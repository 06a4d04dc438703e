package dev.emostream.app.instances;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.emostream.app.cli.StreamsAppCli;

/**
 * One app instance as a child JVM ({@code streams-app run --config}) on this JVM's classpath, so that it can be
 * killed as a machine dies: {@link #kill()} is SIGKILL, no shutdown hook, no last commit, an open transaction left
 * for the broker to abort. Used by the failover test and {@code bench failover}; in-process instances cannot crash.
 */
public final class AppProcess implements AutoCloseable {

    private final String name;
    private final Path log;
    private final Process process;

    private AppProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Writes {@code props} to {@code dir/<name>.properties} and starts the app with them, output to
     * {@code dir/<name>.log}. The environment is inherited without {@code EMOSTREAM_*}, which would override the file.
     */
    public static AppProcess start(String name, Map<String, String> props, Path dir, List<String> jvmOptions)
            throws IOException {
        Path config = dir.resolve(name + ".properties");
        Properties p = new Properties();
        p.putAll(props);
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "app instance " + name);
        }
        ProcessBuilder pb = new ProcessBuilder(javaCommand(jvmOptions, StreamsAppCli.class, "run", "--config",
                config.toString()));
        pb.environment().keySet().removeIf(k -> k.startsWith("EMOSTREAM_"));
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Path log = dir.resolve(name + ".log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return new AppProcess(name, log, pb.start());
    }

    /** {@code java <jvmOptions> -cp <this JVM's classpath> <main> <args>}: this JVM's code in a new process. */
    public static List<String> javaCommand(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The last {@code lines} lines of the instance's output, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e + ")";
        }
    }

    /** A clean stop (SIGTERM: the shutdown hook closes Streams), then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
