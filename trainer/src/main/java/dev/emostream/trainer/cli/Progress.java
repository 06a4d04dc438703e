package dev.emostream.trainer.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A single-line progress bar on stderr, redrawn at most a few times a second. */
final class Progress {
    private final String label;
    private final long total;
    private final boolean enabled;
    private final PrintStream err = System.err;
    private final long start = System.nanoTime();
    private long lastDraw;

    Progress(String label, long total, boolean enabled) {
        this.label = label;
        this.total = total;
        this.enabled = enabled;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (!enabled || (now - lastDraw < 250_000_000L && done < total)) {
            return;
        }
        lastDraw = now;
        double secs = (now - start) / 1e9;
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d  %.0f/s", label, "#".repeat(filled), " ".repeat(width - filled), done,
                total, done / Math.max(secs, 1e-9));
    }

    void done() {
        if (enabled) {
            err.println();
        }
    }
}
