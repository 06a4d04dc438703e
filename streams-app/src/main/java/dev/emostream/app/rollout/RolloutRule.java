package dev.emostream.app.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.emostream.schemas.RolloutAction;

/**
 * The rule that ends a rollout, written to be read by the person who set it (docs/OPERATIONS.md, "Rolling out a
 * model"). It looks at the labeled frames both models classified, paired:
 *
 * <ul>
 *   <li>Looks at {@code min} labeled frames, then at twice as many, four times, ... and a last look at {@code max}
 *       ({@code rollout.min.labeled}, {@code rollout.max.labeled}; by default 2,000, 4,000, 8,000 and 16,000).</li>
 *   <li>At each look, McNemar's exact test on the frames only one model got right: the challenger is promoted when
 *       it is right more often and p &lt; alpha / looks, dropped when the champion is and p &lt; alpha / looks
 *       (with {@code rollout.alpha} 0.05 and four looks, 0.0125).</li>
 *   <li>No decision at the last look, or {@code rollout.max.duration.ms} after the challenger was published: the
 *       challenger is dropped and the champion stays.</li>
 * </ul>
 *
 * Why looks and not a test on every batch: testing again and again until p dips below 0.05 would decide wrongly far
 * more often than 5% of the time (the peeking problem). Dividing alpha by the planned looks (Bonferroni) keeps the
 * chance of any wrong decision under alpha; doubling the frames between looks keeps their number small. One look at
 * {@code min} with p &lt; alpha is the rule with {@code max = min}.
 */
public final class RolloutRule {

    private final long minLabeled;
    private final long maxLabeled;
    private final double alpha;
    private final Duration maxDuration;
    private final long[] looks;

    /** A decision: what it does, why in words, and the figures behind it. */
    public record Decision(RolloutAction action, String reason, int look, double pValue, double alpha) {
    }

    public RolloutRule(long minLabeled, long maxLabeled, double alpha, Duration maxDuration) {
        if (minLabeled < 1 || maxLabeled < minLabeled) {
            throw new IllegalArgumentException("labeled frames for the rule must satisfy 1 <= min <= max, got "
                    + minLabeled + ".." + maxLabeled);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be within (0, 1), got " + alpha);
        }
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("the rollout time limit must be > 0, got " + maxDuration);
        }
        this.minLabeled = minLabeled;
        this.maxLabeled = maxLabeled;
        this.alpha = alpha;
        this.maxDuration = maxDuration;
        List<Long> at = new ArrayList<>();
        for (long n = minLabeled; n < maxLabeled; n = n > Long.MAX_VALUE / 2 ? maxLabeled : 2 * n) {
            at.add(n);
        }
        at.add(maxLabeled);
        this.looks = at.stream().mapToLong(Long::longValue).toArray();
    }

    /** The labeled-frame counts at which the rule looks, in order. */
    public long[] looks() {
        return looks.clone();
    }

    /** The p-value a look must fall below: alpha divided by the planned looks. */
    public double alphaPerLook() {
        return alpha / looks.length;
    }

    /**
     * What to do after a batch's counts were added.
     *
     * @param labeledBefore  paired labeled frames before the batch
     * @param labeled        after it
     * @param championOnly   labeled frames only the champion got right (McNemar's b)
     * @param challengerOnly labeled frames only the challenger got right (c)
     * @param elapsedMs      since the challenger was published
     */
    public Optional<Decision> decide(long labeledBefore, long labeled, long championOnly, long challengerOnly,
                                     long elapsedMs) {
        int look = 0;
        for (int i = 0; i < looks.length; i++) {
            if (labeledBefore < looks[i] && labeled >= looks[i]) {
                look = i + 1; // a batch that crosses several looks is one test, on its counts
            }
        }
        double limit = alphaPerLook();
        if (look > 0) {
            double p = McNemar.exactPValue(championOnly, challengerOnly);
            String test = String.format(Locale.ROOT, "on the same %,d labeled frames the challenger alone was right "
                            + "%,d times, the champion alone %,d times (McNemar exact p = %.3g, look %d of %d at %,d "
                            + "frames, needed p < %.3g)", labeled, challengerOnly, championOnly, p, look, looks.length,
                    looks[look - 1], limit);
            if (p < limit) {
                boolean better = challengerOnly > championOnly;
                return Optional.of(new Decision(better ? RolloutAction.PROMOTE : RolloutAction.ROLLBACK,
                        (better ? "challenger better: " : "challenger worse: ") + test, look, p, limit));
            }
            if (look == looks.length) {
                return Optional.of(new Decision(RolloutAction.ROLLBACK, "no decision at the last look: " + test
                        + "; the champion stays", look, p, limit));
            }
        }
        if (elapsedMs >= maxDuration.toMillis()) {
            double p = McNemar.exactPValue(championOnly, challengerOnly);
            return Optional.of(new Decision(RolloutAction.ROLLBACK, String.format(Locale.ROOT,
                    "no decision within the time limit of %s: %,d labeled frames compared (challenger alone right %,d "
                            + "times, champion alone %,d, p = %.3g); the champion stays",
                    human(maxDuration), labeled, challengerOnly, championOnly, p), 0, p, limit));
        }
        return Optional.empty();
    }

    /** 24 h, 30 min, 90 s: what an operator wrote, not ISO-8601. */
    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        return s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    public long minLabeled() {
        return minLabeled;
    }

    public long maxLabeled() {
        return maxLabeled;
    }

    public double alpha() {
        return alpha;
    }

    public Duration maxDuration() {
        return maxDuration;
    }
}
