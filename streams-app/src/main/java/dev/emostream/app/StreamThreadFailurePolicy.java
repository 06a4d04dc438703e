package dev.emostream.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.errors.RetriableException;

import dev.emostream.schemas.serde.FaceSerdeException;

/**
 * What to do with a stream thread that died, by what killed it:
 * <ul>
 *   <li>an error about our own setup ({@link FaceSerdeException.Kind#CONFIGURATION}: the registry answers 401 or
 *       403, a 404 without its error code, 409/422 on our output schemas) stops the app at once: every record
 *       would fail the same way, and a new thread would only loop on the same partition;</li>
 *   <li>a transient failure (the registry or a broker unreachable: {@link FaceSerdeException.Kind#TRANSIENT},
 *       Kafka's {@link RetriableException}) replaces the thread, without limit: the uncommitted records are read
 *       again once it is back;</li>
 *   <li>anything else replaces the thread, but the same failure (same exception types and root message) more
 *       than {@code maxReplacements} times in a row, each within {@code window} of the last, stops the app: that is
 *       a partition that never moves again, which an operator must see.</li>
 * </ul>
 * Not thread-safe on its own: the app calls it from the handler, one failure at a time.
 */
public final class StreamThreadFailurePolicy {

    /** Replace the thread after {@code pause}, or stop the app because of {@code reason}. */
    public record Decision(boolean stop, String reason, Duration pause) {
    }

    private final int maxReplacements;
    private final Duration window;
    private final Duration pause;
    private String lastSignature;
    private long lastFailureMs;
    private int sameInARow;

    /**
     * @param maxReplacements how often a thread failing the same way is replaced before the app stops
     * @param window          a failure further than this after the previous one starts a new count
     * @param pause           wait before a replacement, so a registry that is down is not hammered
     */
    public StreamThreadFailurePolicy(int maxReplacements, Duration window, Duration pause) {
        if (maxReplacements < 0) {
            throw new IllegalArgumentException("max replacements must be >= 0, got " + maxReplacements);
        }
        this.maxReplacements = maxReplacements;
        this.window = Objects.requireNonNull(window);
        this.pause = Objects.requireNonNull(pause);
    }

    public Decision onFailure(Throwable failure, long nowMs) {
        FaceSerdeException serde = find(failure, FaceSerdeException.class);
        if (serde != null && serde.kind() == FaceSerdeException.Kind.CONFIGURATION) {
            return new Decision(true, "a configuration error no retry can fix: " + serde.getMessage(), Duration.ZERO);
        }
        if ((serde != null && serde.kind() == FaceSerdeException.Kind.TRANSIENT)
                || find(failure, RetriableException.class) != null) {
            lastSignature = null;
            sameInARow = 0;
            return new Decision(false, rootMessage(failure), pause);
        }
        String signature = signature(failure);
        boolean same = signature.equals(lastSignature) && nowMs - lastFailureMs <= window.toMillis();
        sameInARow = same ? sameInARow + 1 : 1;
        lastSignature = signature;
        lastFailureMs = nowMs;
        if (sameInARow > maxReplacements) {
            return new Decision(true, "the stream thread failed the same way " + sameInARow + " times in a row ("
                    + maxReplacements + " replacements allowed): " + rootMessage(failure), Duration.ZERO);
        }
        return new Decision(false, rootMessage(failure), pause);
    }

    /** The exception's chain, outermost first, as a person reads it: "StreamsException caused by X: message". */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    private static String signature(Throwable e) {
        List<String> types = new ArrayList<>();
        Throwable t = e;
        Throwable root = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            types.add(t.getClass().getName());
            root = t;
        }
        return types + ": " + root.getMessage();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
