package dev.emostream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Pointer;

import dev.emostream.app.metrics.ProcessMemory;

/**
 * Samples this JVM's memory at a fixed period: heap in use, the old generation after its last collection (the
 * figure that shows a leak; heap in use saws up and down with every young collection), and the process RSS
 * from /proc (which is where ND4J's off-heap arrays show: JavaCPP's own counter does not see them). The broker, the app and the clients share this JVM, so RSS
 * covers all of them; the registry is a child process and is not counted.
 */
final class MemorySampler implements AutoCloseable {

    record Sample(double seconds, String phase, long heapUsedMb, long oldAfterGcMb, long rssMb) {
    }

    private final long t0 = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-memory-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile String phase = "start";

    MemorySampler(long periodMs) {
        timer.scheduleAtFixedRate(() -> {
            Sample s = sample();
            synchronized (samples) {
                samples.add(s);
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    void phase(String name) {
        phase = name;
    }

    Sample sample() {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long old = -1;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String n = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (n.contains("Old") || n.contains("Tenured"))) {
                MemoryUsage after = pool.getCollectionUsage();
                old = after == null ? -1 : after.getUsed();
            }
        }
        return new Sample((System.nanoTime() - t0) / 1e9, phase, heap >> 20, old < 0 ? -1 : old >> 20,
                rssBytes() >> 20);
    }

    /** Samples taken during {@code phase}. */
    List<Sample> of(String phaseName) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.phase().equals(phaseName)).toList();
        }
    }

    /** RSS as the app's /metrics reports it; where there is no /proc, what JavaCPP counts as physical bytes. */
    static long rssBytes() {
        long rss = ProcessMemory.rssBytes();
        return rss >= 0 ? rss : Pointer.physicalBytes();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
