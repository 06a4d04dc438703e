package dev.emostream.app.faults;

import java.time.Duration;

/**
 * What one soak run does, from system properties ({@code mvn -P soak ... -Dsoak.minutes=30}); the defaults are
 * issue 7's item 8: 30 minutes at 80% of full speed.
 *
 * @param minutes       length of the steady phase
 * @param load          fraction of full speed to send at
 * @param fixedRate     full speed in frames/s when given ({@code soak.rate}); 0: measured by a burst first
 * @param warmupFrames  frames sent at full speed before the burst: the JIT needs one to two minutes of full
 *                      speed to settle (docs/BENCHMARKS.md), and full speed measured cold would be ~25% low
 * @param burstFrames   frames of the full-speed burst
 * @param faces         training faces held in memory and replayed in a loop
 * @param sampleSeconds period of the memory/lag samples
 * @param labeledEvery  one frame in this many carries its true label
 * @param badEvery      one frame in this many has a wrong pixel count (goes to the dead-letter topic)
 * @param drainMinutes  how long lag may take to reach 0 after the last frame is sent
 */
record SoakSettings(double minutes, double load, double fixedRate, int warmupFrames, int burstFrames, int faces,
                    int sampleSeconds, int labeledEvery, int badEvery, long drainMinutes) {

    static SoakSettings fromSystemProperties() {
        return new SoakSettings(
                Double.parseDouble(System.getProperty("soak.minutes", "30")),
                Double.parseDouble(System.getProperty("soak.load", "0.8")),
                Double.parseDouble(System.getProperty("soak.rate", "0")),
                Integer.getInteger("soak.warmup.frames", 6000),
                Integer.getInteger("soak.burst.frames", 1500),
                Integer.getInteger("soak.faces", 10_000),
                Integer.getInteger("soak.sample.seconds", 10),
                Integer.getInteger("soak.labeled.every", 2),
                Integer.getInteger("soak.bad.every", 200),
                Long.getLong("soak.drain.minutes", 5));
    }

    Duration drain() {
        return Duration.ofMinutes(drainMinutes);
    }

    Duration duration() {
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    /**
     * How often the sampler forces a full collection to measure the live heap: once a minute in a long run (a
     * pause of a fraction of a second a minute barely touches the rate), more often in a short trial so that the
     * windows compared still hold a few measurements.
     */
    Duration liveHeapPeriod() {
        long seconds = Math.max(sampleSeconds, Math.min(60, Math.round(minutes * 2)));
        return Duration.ofSeconds(seconds - seconds % sampleSeconds);
    }
}
