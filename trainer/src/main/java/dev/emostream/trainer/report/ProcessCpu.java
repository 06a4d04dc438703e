package dev.emostream.trainer.report;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/**
 * The process's CPU time, all threads (ND4J's native ones too). Progress lines give it per batch beside images a
 * second: wall time depends on what else runs on the machine and counts the time a process is stopped, CPU time
 * much less so, which makes runs on a shared two-core machine comparable.
 */
public final class ProcessCpu {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {
    }

    public static long nanos() {
        return OS.getProcessCpuTime();
    }
}
