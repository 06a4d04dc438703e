package dev.emostream.app.topology;

/** What the intake step makes of one input record: a frame to classify, or a dead letter. */
sealed interface Intake {

    record Valid(ValidFrame frame) implements Intake {
    }

    /** The original value bytes (null for a tombstone); the reasons travel in the record's headers. */
    record Rejected(byte[] original) implements Intake {
    }
}
