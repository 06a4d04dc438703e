package dev.emostream.model.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

class NativeThreadsTest {

    @Test
    @DisplayName("each forward-pass thread runs its OpenMP team at its own size, whatever the process default")
    void forwardPassThreadsSizeTheirOwnOpenMpTeam() throws Exception {
        Nd4j.getBackend();
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int processDefault = ops.ompGetMaxThreads();
        int own = processDefault + 2;
        ExecutorService pool = Executors.newFixedThreadPool(2,
                NativeThreads.forwardPassThreads("test-forward-", own, Thread.MIN_PRIORITY));
        try {
            assertThat(pool.submit(ops::ompGetMaxThreads).get()).isEqualTo(own);
            assertThat(pool.submit(() -> Thread.currentThread().getName()).get()).startsWith("test-forward-");
            assertThat(pool.submit(() -> Thread.currentThread().getPriority()).get()).isEqualTo(Thread.MIN_PRIORITY);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ops.ompGetMaxThreads()).as("the calling thread keeps its size").isEqualTo(processDefault);
    }

    @Test
    void refusesFewerThanOneThread() {
        assertThatThrownBy(() -> NativeThreads.forwardPassThreads("x-", 0, Thread.NORM_PRIORITY))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
