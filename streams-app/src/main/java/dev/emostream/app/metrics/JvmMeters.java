package dev.emostream.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

/**
 * The process's memory, GC, CPU and thread meters, so that a long run (the soak, a deployment) can be watched on
 * {@code /metrics}: {@code jvm_memory_used_bytes{area,id}}, {@code jvm_gc_pause_seconds},
 * {@code jvm_gc_live_data_size_bytes} (old generation after a major collection: the leak indicator),
 * {@code process_cpu_usage}, {@code jvm_threads_live_threads} and {@code process_resident_memory_bytes} (Linux
 * only; see {@link ProcessMemory}).
 */
public final class JvmMeters implements AutoCloseable {

    private final JvmGcMetrics gc;

    private JvmMeters(JvmGcMetrics gc) {
        this.gc = gc;
    }

    public static JvmMeters bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // listens to GC notifications until closed
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        if (ProcessMemory.rssBytes() >= 0) {
            Gauge.builder("process.resident.memory", ProcessMemory::rssBytes).baseUnit("bytes")
                    .description("Resident set size of the process: heap, native arrays, RocksDB, thread stacks")
                    .register(registry);
        }
        return new JvmMeters(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
