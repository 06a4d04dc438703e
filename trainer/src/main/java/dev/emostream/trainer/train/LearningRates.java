package dev.emostream.trainer.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;

/**
 * Learning-rate schedules. Cosine is expressed as DL4J's built-in {@link MapSchedule} sampled every few
 * iterations rather than a custom {@code ISchedule}: the schedule is stored in the network's JSON, and a
 * custom class would then be needed on every classpath that loads the model (the streams app too).
 */
public final class LearningRates {

    private LearningRates() {
    }

    /** Linear warm-up from lr/10 over {@code warmup} iterations, then cosine decay to {@code minLr} at {@code total}. */
    public static double cosine(long iteration, double lr, double minLr, long warmup, long total) {
        if (iteration < warmup) {
            return lr * (0.1 + 0.9 * iteration / (double) warmup);
        }
        if (iteration >= total) {
            return minLr;
        }
        double progress = (iteration - warmup) / (double) Math.max(1, total - warmup);
        return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
    }

    public static ISchedule cosineSchedule(double lr, double minLr, long warmup, long total, int step) {
        Map<Integer, Double> values = new HashMap<>();
        for (long i = 0; i <= total; i += step) {
            values.put((int) i, cosine(i, lr, minLr, warmup, total));
        }
        return new MapSchedule(ScheduleType.ITERATION, values);
    }
}
