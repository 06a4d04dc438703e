package dev.emostream.app.topology;

import java.util.ArrayDeque;

/**
 * How many batches the whole app may have in the model at once: one per inference thread, shared by every task.
 *
 * <p>Why a limit for the pool and not only per task: with several tasks (partitions) each allowed its own batches in
 * flight, batches would queue in the executor, where their frames can no longer join a larger batch, and a small
 * batch queued there waits for every batch ahead of it. With the limit a task hands a batch over only when a thread
 * is free, so frames wait in the task's buffer and go out together. Tasks that asked for a slot and found none
 * take turns in the order they asked, so a task whose stream thread runs its checks first cannot starve the others.
 */
final class InferenceSlots {

    private final int slots;
    private int busy;
    /** Tasks that found no slot free, in the order they asked: the first takes the next free slot. */
    private final ArrayDeque<Object> turns = new ArrayDeque<>();

    InferenceSlots(int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        this.slots = slots;
    }

    /** Takes a slot for {@code task} if one is free and no task that asked earlier is still waiting for one. */
    synchronized boolean tryAcquire(Object task) {
        if (busy < slots && (turns.isEmpty() || turns.peekFirst() == task)) {
            turns.remove(task);
            busy++;
            return true;
        }
        if (!turns.contains(task)) {
            turns.addLast(task);
        }
        return false;
    }

    /**
     * Takes a free slot ahead of the turns, for a stream thread that must not read on (its buffer is full): waiting
     * for its turn could mean waiting for a task of the same stream thread, which cannot take its slot meanwhile.
     */
    synchronized boolean tryAcquireOutOfTurn(Object task) {
        if (busy >= slots) {
            return false;
        }
        turns.remove(task);
        busy++;
        return true;
    }

    /** A batch left the model (done or failed). */
    synchronized void release() {
        busy--;
    }

    /** The task is closing: it no longer waits for a turn. */
    synchronized void leave(Object task) {
        turns.remove(task);
    }

    synchronized int free() {
        return slots - busy;
    }

    synchronized boolean anyBusy() {
        return busy > 0;
    }
}
