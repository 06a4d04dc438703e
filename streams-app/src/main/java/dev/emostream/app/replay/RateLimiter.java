package dev.emostream.app.replay;

import java.util.concurrent.TimeUnit;

/**
 * Paces a loop to a steady rate by absolute time: permit {@code n} is due at {@code start + n / rate}, so time
 * spent between permits (serializing, a producer blocked on a full buffer, a GC pause) is made up by the next
 * permits instead of adding up. A sleep per record ({@code Thread.sleep(1000 / rate)}) drifts by exactly that
 * time and misses the rate; this one holds it over any long enough window.
 */
public final class RateLimiter {

    /** Time source and sleeper, so the schedule can be tested with a fake clock. */
    public interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };
    }

    private final Clock clock;
    private final double permitsPerSecond;
    private long start = Long.MIN_VALUE;
    private long granted;

    private RateLimiter(Clock clock, double permitsPerSecond) {
        this.clock = clock;
        this.permitsPerSecond = permitsPerSecond;
    }

    /** {@code permitsPerSecond} permits a second; the first is granted at once. */
    public static RateLimiter perSecond(double permitsPerSecond, Clock clock) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of records per second, got "
                    + permitsPerSecond);
        }
        return new RateLimiter(clock, permitsPerSecond);
    }

    public static RateLimiter perSecond(double permitsPerSecond) {
        return perSecond(permitsPerSecond, Clock.SYSTEM);
    }

    /** No limit: {@link #acquire()} never waits. */
    public static RateLimiter unlimited() {
        return new RateLimiter(Clock.SYSTEM, Double.POSITIVE_INFINITY);
    }

    public boolean isLimited() {
        return Double.isFinite(permitsPerSecond);
    }

    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /** Waits until the next permit is due; returns the nanoseconds slept. */
    public long acquire() throws InterruptedException {
        if (!isLimited()) {
            granted++;
            return 0;
        }
        long now = clock.nanoTime();
        if (granted == 0) {
            start = now;
        }
        long due = start + dueOffsetNanos(granted);
        granted++;
        long wait = due - now;
        if (wait > 0) {
            clock.sleepNanos(wait);
            return wait;
        }
        return 0;
    }

    /** Permits granted so far. */
    public long granted() {
        return granted;
    }

    // computed from the permit number each time (not by adding an interval), so rounding never accumulates
    private long dueOffsetNanos(long permit) {
        return (long) (permit * 1_000_000_000d / permitsPerSecond);
    }
}
