package dev.emostream.app.topology;

/** A record that will not be classified, and why, in words a person can act on. */
public record Rejection(RejectReason reason, String message) {
}
