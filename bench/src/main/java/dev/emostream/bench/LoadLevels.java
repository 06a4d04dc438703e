package dev.emostream.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The steady phases at fractions of the full speed measured in the same run, and the one line that sums them up:
 * {@code load: p99_ms_10=.. p99_ms_25=.. p99_ms_50=.. p99_ms_80=.. p99_ms_95=.. full_fps=..}.
 */
final class LoadLevels {

    private LoadLevels() {
    }

    /** Whole percent of full speed, as the phase and the summary name it (0.25 -> 25). */
    static long percent(double load) {
        return Math.round(load * 100);
    }

    /** Frame ids are {@code <phase>-<n>}, so a phase name has no dash. */
    static String phaseName(double load) {
        return "load" + percent(load);
    }

    /** The p99 of the level at {@code load}, or "NaN" when the run had none. */
    static Object p99At(List<Map<String, Object>> levels, double load) {
        return levels.stream().filter(l -> percent((double) l.get("load")) == percent(load))
                .map(l -> l.get("latencyMsP99")).findFirst().orElse("NaN");
    }

    /** Levels in the order they ran, each with {@code load} and {@code latencyMsP99}. */
    static String line(List<Map<String, Object>> levels, double fullFps) {
        StringBuilder line = new StringBuilder("load:");
        for (Map<String, Object> level : levels) {
            line.append(" p99_ms_").append(percent((double) level.get("load"))).append('=')
                    .append(level.get("latencyMsP99"));
        }
        return line.append(String.format(Locale.ROOT, " full_fps=%.1f", fullFps)).toString();
    }
}
