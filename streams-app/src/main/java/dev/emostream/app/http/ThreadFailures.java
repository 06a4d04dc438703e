package dev.emostream.app.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Counts stream-thread failures as the uncaught-exception handler sees them, keeping the times of the last minute's
 * failures (at most {@value #KEPT}) so {@code /health} can tell a crash loop from a failure an hour ago.
 */
public final class ThreadFailures {

    static final long WINDOW_MS = 60_000;
    private static final int KEPT = 1_000;

    private final LongSupplier clockMs;
    private final Deque<Long> recent = new ArrayDeque<>();
    private long total;
    private String last;
    private long lastMs = -1;

    public ThreadFailures() {
        this(System::currentTimeMillis);
    }

    ThreadFailures(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    public synchronized void failed(String rootCause) {
        long now = clockMs.getAsLong();
        total++;
        last = rootCause;
        lastMs = now;
        recent.addLast(now);
        if (recent.size() > KEPT) {
            recent.removeFirst();
        }
    }

    /** The counts, with the thread numbers the caller knows. */
    public synchronized StreamThreads snapshot(int alive, int configured) {
        long now = clockMs.getAsLong();
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW_MS) {
            recent.removeFirst();
        }
        return new StreamThreads(alive, configured, total, recent.size(), last, lastMs);
    }
}
