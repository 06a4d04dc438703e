package dev.emostream.app.replay;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar ({@code [#####-----] 1234/3589 34% 812/s ETA 3s  running accuracy 0.512}) redrawn in
 * place on a terminal at most five times a second; without a terminal (a log file, CI) a plain line every five
 * seconds instead, so logs do not fill with carriage returns.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final LongSupplier nanos;
    private final long intervalNanos;
    private final long started;
    private long lastDrawn = Long.MIN_VALUE;
    private int lastLength;

    /** @param total the expected count, or 0 when unknown */
    public ProgressBar(PrintWriter out, String label, long total) {
        this(out, label, total, System.console() != null, System::nanoTime);
    }

    ProgressBar(PrintWriter out, String label, long total, boolean terminal, LongSupplier nanos) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
        this.nanos = nanos;
        this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
        this.started = nanos.getAsLong();
    }

    /** Redraws if due. */
    public void update(long done, String suffix) {
        long now = nanos.getAsLong();
        if (lastDrawn != Long.MIN_VALUE && now - lastDrawn < intervalNanos) {
            return;
        }
        lastDrawn = now;
        draw(done, suffix, now);
    }

    /** Draws the final state and ends the line. */
    public void finish(long done, String suffix) {
        draw(done, suffix, nanos.getAsLong());
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    String line(long done, String suffix, long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        StringBuilder b = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            b.append('[').append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                    .append(done).append('/').append(total)
                    .append(String.format(Locale.ROOT, " %3d%%", Math.min(100, 100 * done / total)));
        } else {
            b.append(done);
        }
        b.append(String.format(Locale.ROOT, " %.0f/s", rate));
        if (total > 0 && done > 0 && done < total) {
            b.append(" ETA ").append(Math.round((total - done) / rate)).append('s');
        }
        if (suffix != null && !suffix.isEmpty()) {
            b.append("  ").append(suffix);
        }
        return b.toString();
    }

    private void draw(long done, String suffix, long now) {
        String text = line(done, suffix, now);
        if (terminal) {
            // pad over the remains of a longer previous line
            out.print("\r" + text + " ".repeat(Math.max(0, lastLength - text.length())));
            lastLength = text.length();
        } else {
            out.println(text);
        }
        out.flush();
    }
}
