package dev.emostream.app.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.assertj.core.api.SoftAssertions;

/**
 * What one fault cost a replay: frames sent, lost (acknowledged by the broker, no output), duplicated (two outputs
 * for a {@code read_committed} reader), the longest time a downstream consumer saw no event, and whether the counts
 * came out exact. One row of the table in docs/OPERATIONS.md ("Three brokers").
 *
 * @param producerFailed frames the test's producer gave up on (it retries for 10 minutes, so 0)
 * @param labelsExpected labeled frames acknowledged, by true label
 * @param threadsReplaced stream threads the app replaced after a failure (Streams absorbs broker faults itself)
 */
record FaultCost(String fault, int instances, long sent, long producerFailed, OutputTally tally, long bad,
                 long labeled, List<Long> labelsExpected, Duration longestGap, Duration gapEndedAfter,
                 long threadsReplaced, Duration took) {

    /** Where every row of a run goes, one Markdown line each, beside the log line. */
    static final Path TABLE = Path.of("target", "three-broker-faults.md");

    long lost() {
        return tally.missing();
    }

    long duplicated() {
        return tally.duplicates();
    }

    /** The table row: fault, instances, sent, lost, duplicated, longest gap (s). */
    String row() {
        return String.format(Locale.ROOT, "| %s | %d | %,d | %d | %d | %.1f |", fault, instances, sent, lost(),
                duplicated(), longestGap.toMillis() / 1000.0);
    }

    String line() {
        return String.format(Locale.ROOT, "three-broker: fault=\"%s\" instances=%d sent=%d lost=%d duplicated=%d "
                        + "misrouted=%d unknown=%d longest_gap_s=%.1f gap_ended_after_s=%.1f threads_replaced=%d "
                        + "took_s=%.0f", fault, instances, sent, lost(), duplicated(), tally.misrouted(), tally.unknown(),
                longestGap.toMillis() / 1000.0, gapEndedAfter.toMillis() / 1000.0, threadsReplaced,
                took.toMillis() / 1000.0);
    }

    /** Appends the row to {@link #TABLE} (with the header when the file is new). */
    void record() {
        try {
            Files.createDirectories(TABLE.getParent());
            if (!Files.exists(TABLE)) {
                Files.writeString(TABLE, "| fault | app instances | frames sent | lost | duplicated | longest gap "
                        + "without events (s) |\n| --- | --- | --- | --- | --- | --- |\n");
            }
            Files.writeString(TABLE, row() + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every acknowledged frame in exactly one output, once: good ones on {@code emotions}, bad ones (and only they)
     * in {@code rejected-faces}; the accuracy counts each labeled frame once under its own label.
     */
    void assertExact() {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(producerFailed).as("%s: frames the producer gave up on", fault).isZero();
        soft.assertThat(lost()).as("%s: frames lost (first: %s)", fault, tally.firstMissing()).isZero();
        soft.assertThat(duplicated()).as("%s: frames duplicated for a read_committed reader", fault).isZero();
        soft.assertThat(tally.misrouted()).as("%s: frames in the wrong output (a valid one dead-lettered)", fault)
                .isZero();
        soft.assertThat(tally.unknown()).as("%s: outputs of no frame sent", fault).isZero();
        soft.assertThat(tally.rejected()).as("%s: dead letters = bad frames sent", fault).isEqualTo(bad);
        soft.assertThat(tally.labeledTotal()).as("%s: accuracy's labeled frames", fault).isEqualTo(labeled);
        soft.assertThat(tally.labelsTotal()).as("%s: accuracy's labeled frames by true label", fault)
                .isEqualTo(labelsExpected);
        soft.assertAll();
    }
}
