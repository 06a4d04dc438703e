package dev.emostream.bench;

import java.lang.management.ManagementFactory;

import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * CPU samples of every thread of this JVM over a stretch of a run (async-profiler, in process, per-thread CPU
 * timers), with the process's CPU time over the same stretch so that sample shares convert to core seconds.
 * Per-thread timers ({@code ctimer}) need no perf_events permission, which containers and VMs often withhold.
 */
final class CpuProfile {

    /** What a profile produced: stacks in collapsed form ({@code thread;frame;...;frame count}), CPU and wall time. */
    record Result(String collapsed, double cpuSeconds, double wallSeconds) {
    }

    private final AsyncProfiler profiler;
    private final long cpuNanosAtStart;
    private final long wallNanosAtStart;

    private CpuProfile(AsyncProfiler profiler) {
        this.profiler = profiler;
        this.cpuNanosAtStart = processCpuNanos();
        this.wallNanosAtStart = System.nanoTime();
    }

    /** Starts sampling; fails with the reason when the agent cannot load on this platform. */
    static CpuProfile start() throws Exception {
        AsyncProfiler profiler = AsyncProfiler.getInstance();
        profiler.execute("start,event=ctimer,interval=1ms,threads");
        return new CpuProfile(profiler);
    }

    Result stop() throws Exception {
        profiler.execute("stop");
        double cpu = (processCpuNanos() - cpuNanosAtStart) / 1e9;
        double wall = (System.nanoTime() - wallNanosAtStart) / 1e9;
        return new Result(profiler.dumpCollapsed(Counter.SAMPLES), cpu, wall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
