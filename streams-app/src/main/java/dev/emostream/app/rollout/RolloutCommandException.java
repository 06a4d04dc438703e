package dev.emostream.app.rollout;

/** A {@code models} command that cannot do what was asked (unknown version, checksum mismatch, nothing to roll back). */
public final class RolloutCommandException extends RuntimeException {
    public RolloutCommandException(String message) {
        super(message);
    }
}
