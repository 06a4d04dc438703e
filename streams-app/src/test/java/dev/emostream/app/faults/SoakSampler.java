package dev.emostream.app.faults;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.metrics.ProcessMemory;

/**
 * Samples, at a fixed period: heap in use, the old generation after its last collection, the live heap (after a
 * forced full collection, at a slower period), RSS, the app's input lag and the frames sent and classified. The
 * broker, the app and the test share this JVM, so the memory figures cover all three (the registry is a child
 * process and is not counted), as in {@code bench e2e}.
 *
 * <p>Why a forced collection: under G1 the old generation after a young collection climbs steadily until the next
 * mixed collection, a sawtooth with a period of minutes that looks like a leak inside a 30-minute window. Heap in
 * use right after {@link System#gc()} (a full, stop-the-world collection under G1) is the live set itself.
 */
final class SoakSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SoakSampler.class);

    /** One sample; -1 where a figure was not taken (live heap between forced collections, lag while the broker is down). */
    record Sample(double seconds, String phase, long heapUsedMb, long oldGenAfterGcMb, long liveHeapMb, long rssMb,
                  long lag, long sent, long classified) {
    }

    private final ConsumerLag lag;
    private final LongSupplier sent;
    private final DoubleSupplier classified;
    private final long periodMs;
    private final long liveEvery;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-sampler");
        t.setDaemon(true);
        return t;
    });
    private final long t0 = System.nanoTime();
    private volatile String phase = "soak";
    private long taken;

    SoakSampler(Duration period, Duration liveHeapPeriod, ConsumerLag lag, LongSupplier sent,
                DoubleSupplier classified) {
        this.lag = lag;
        this.sent = sent;
        this.classified = classified;
        this.periodMs = period.toMillis();
        this.liveEvery = Math.max(1, liveHeapPeriod.toMillis() / periodMs);
    }

    SoakSampler start() {
        timer.scheduleAtFixedRate(this::sampleQuietly, 0, periodMs, TimeUnit.MILLISECONDS);
        return this;
    }

    void phase(String name) {
        phase = name;
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void sampleQuietly() {
        try {
            Sample s = sample();
            synchronized (samples) {
                samples.add(s);
            }
            LOG.info("soak sample: t={}s {} heap={}MB oldAfterGc={}MB live={}MB rss={}MB lag={} sent={} classified={}",
                    Math.round(s.seconds()), s.phase(), s.heapUsedMb(), s.oldGenAfterGcMb(), s.liveHeapMb(),
                    s.rssMb(), s.lag(), s.sent(), s.classified());
        } catch (RuntimeException e) {
            // one failed sample must not end the schedule
            LOG.warn("soak sample failed: {}", e.toString());
        }
    }

    private Sample sample() {
        double seconds = (System.nanoTime() - t0) / 1e9;
        long live = -1;
        if (taken++ % liveEvery == 0) {
            System.gc();
            live = heapUsed() >> 20;
        }
        long rss = ProcessMemory.rssBytes();
        return new Sample(seconds, phase, heapUsed() >> 20, oldGenAfterGc() >> 20, live, rss < 0 ? -1 : rss >> 20,
                lag.total(), sent.getAsLong(), Math.round(classified.getAsDouble()));
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The old generation's occupancy after the last collection that covered it (G1: young ones too). */
    private static long oldGenAfterGc() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String n = pool.getName();
            if (pool.getType() == MemoryType.HEAP && (n.contains("Old") || n.contains("Tenured"))) {
                MemoryUsage after = pool.getCollectionUsage();
                return after == null ? -1 : after.getUsed();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
