package dev.emostream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the replay's rate limiter")
class RateLimiterTest {

    /** Time moves only when the limiter sleeps or the test says so. */
    static final class FakeClock implements RateLimiter.Clock {
        long now = 1_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }

        void advanceMillis(long ms) {
            now += ms * 1_000_000L;
        }
    }

    @Test
    @DisplayName("grants permit n at start + n/rate, so 100/s gives 6,000 permits in exactly a minute")
    void schedulesByAbsoluteTime() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = RateLimiter.perSecond(100, clock);
        long start = clock.now;
        List<Long> grantedAt = new ArrayList<>();
        for (int i = 0; i < 6001; i++) {
            limiter.acquire();
            grantedAt.add(clock.now - start);
        }
        for (int i = 0; i < grantedAt.size(); i++) {
            assertThat(grantedAt.get(i)).isEqualTo(i * 10_000_000L);
        }
        assertThat(grantedAt.get(6000)).isEqualTo(60_000_000_000L);
    }

    @Test
    @DisplayName("time spent between permits is made up, not added: the schedule does not drift")
    void workBetweenPermitsDoesNotDrift() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = RateLimiter.perSecond(50, clock); // one permit per 20 ms
        long start = clock.now;
        for (int i = 0; i < 500; i++) {
            limiter.acquire();
            assertThat(clock.now - start).isEqualTo(i * 20_000_000L);
            clock.advanceMillis(7); // serializing and sending takes 7 ms of each 20
        }
        assertThat(clock.sleeps).allSatisfy(s -> assertThat(s).isEqualTo(13_000_000L));
    }

    @Test
    @DisplayName("after a stall it sends the overdue permits at once and is back on schedule")
    void catchesUpAfterAStall() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = RateLimiter.perSecond(10, clock); // 100 ms apart
        long start = clock.now;
        limiter.acquire();
        clock.advanceMillis(350); // a GC pause or a full producer buffer
        assertThat(limiter.acquire()).isZero();  // due at 100
        assertThat(limiter.acquire()).isZero();  // due at 200
        assertThat(limiter.acquire()).isZero();  // due at 300
        assertThat(limiter.acquire()).isEqualTo(50_000_000L); // due at 400, now 350
        assertThat(clock.now - start).isEqualTo(400_000_000L);
        assertThat(limiter.granted()).isEqualTo(5);
    }

    @Test
    @DisplayName("a fractional rate keeps its exact schedule without rounding drift")
    void fractionalRate() throws InterruptedException {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = RateLimiter.perSecond(3, clock); // 333,333,333.3 ns apart
        long start = clock.now;
        for (int i = 0; i < 3001; i++) {
            limiter.acquire();
        }
        assertThat(clock.now - start).isEqualTo(1_000_000_000_000L);
    }

    @Test
    @DisplayName("unlimited never waits; a rate that is not positive is refused")
    void unlimitedAndInvalid() throws InterruptedException {
        RateLimiter unlimited = RateLimiter.unlimited();
        for (int i = 0; i < 1000; i++) {
            assertThat(unlimited.acquire()).isZero();
        }
        assertThat(unlimited.isLimited()).isFalse();
        assertThatThrownBy(() -> RateLimiter.perSecond(0, new FakeClock()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> RateLimiter.perSecond(-5, new FakeClock()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
