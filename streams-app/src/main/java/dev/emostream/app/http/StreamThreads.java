package dev.emostream.app.http;

/**
 * The stream threads of this instance, for {@code /health}: how many run against how many are configured, and how
 * often one has failed (each failure is answered by replacing the thread, see {@code EmotionStreamsApp}). A thread
 * failing again and again means the app cannot make progress (registry unreachable, a poisoned task) although
 * Kafka Streams stays RUNNING; {@code failedLastMinute} is there for an orchestrator or an alert to act on.
 *
 * @param alive            threads not yet DEAD (a failed thread's replacement counts once it is created)
 * @param configured       {@code num.stream.threads}
 * @param failed           failures since start
 * @param failedLastMinute failures in the last 60 s
 * @param lastFailure      the last failure's root cause in one line, or null
 * @param lastFailureMs    when it happened (epoch ms), or -1
 */
public record StreamThreads(int alive, int configured, long failed, int failedLastMinute, String lastFailure,
                            long lastFailureMs) {

    /** For a status that cannot tell. */
    public static final StreamThreads UNKNOWN = new StreamThreads(-1, -1, 0, 0, null, -1);
}
