package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InferenceSlots")
class InferenceSlotsTest {

    private final Object taskA = "task 0_0";
    private final Object taskB = "task 0_1";
    private final Object taskC = "task 0_2";

    @Test
    @DisplayName("no more batches at once than slots, whichever task asks")
    void limitsTheWholePool() {
        InferenceSlots slots = new InferenceSlots(2);

        assertThat(slots.tryAcquire(taskA)).isTrue();
        assertThat(slots.tryAcquire(taskA)).isTrue();
        assertThat(slots.tryAcquire(taskB)).as("both threads busy").isFalse();

        slots.release();
        assertThat(slots.free()).isEqualTo(1);
    }

    @Test
    @DisplayName("a freed slot goes to the task that asked first, not to whichever task checks first")
    void tasksTakeTurns() {
        InferenceSlots slots = new InferenceSlots(1);
        assertThat(slots.tryAcquire(taskA)).isTrue();
        assertThat(slots.tryAcquire(taskB)).isFalse();
        assertThat(slots.tryAcquire(taskC)).isFalse();

        slots.release();

        assertThat(slots.tryAcquire(taskA)).as("A checks first but B asked before it").isFalse();
        assertThat(slots.tryAcquire(taskC)).as("C asked after B").isFalse();
        assertThat(slots.tryAcquire(taskB)).isTrue();
        slots.release();
        assertThat(slots.tryAcquire(taskA)).as("C asked before A asked again").isFalse();
        assertThat(slots.tryAcquire(taskC)).isTrue();
    }

    @Test
    @DisplayName("a closing task gives up its turn, so the next in line is not held up by it")
    void leavingGivesUpTheTurn() {
        InferenceSlots slots = new InferenceSlots(1);
        assertThat(slots.tryAcquire(taskA)).isTrue();
        assertThat(slots.tryAcquire(taskB)).isFalse();
        assertThat(slots.tryAcquire(taskC)).isFalse();

        slots.leave(taskB);
        slots.release();

        assertThat(slots.tryAcquire(taskC)).isTrue();
    }

    @Test
    @DisplayName("a task whose buffer is full takes a free slot ahead of the turns, and none while all are busy")
    void outOfTurnWhenTheBufferIsFull() {
        InferenceSlots slots = new InferenceSlots(1);
        assertThat(slots.tryAcquire(taskA)).isTrue();
        assertThat(slots.tryAcquire(taskB)).isFalse();
        assertThat(slots.tryAcquireOutOfTurn(taskC)).as("all busy").isFalse();

        slots.release();

        assertThat(slots.tryAcquireOutOfTurn(taskC)).isTrue();
        assertThat(slots.free()).isZero();
    }
}
