package dev.emostream.app.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size from {@code /proc/self/status}. The JVM's own meters see the heap and its
 * direct buffers, but not ND4J's native arrays or RocksDB's block cache and memtables; RSS is the one figure
 * that shows all of them (and what a container's memory limit is checked against).
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** RSS in bytes, or -1 where there is no {@code /proc} (not Linux). */
    public static long rssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the caller reports "unknown"
        }
        return -1;
    }
}
