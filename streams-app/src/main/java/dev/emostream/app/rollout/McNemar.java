package dev.emostream.app.rollout;

/**
 * McNemar's exact test for two classifiers judged on the same labeled frames. Only the frames where they disagree on
 * being right count: {@code b} right by the first only, {@code c} right by the second only. If neither is better, each
 * such frame is a fair coin, so {@code b ~ Binomial(b + c, 1/2)}; the two-sided p-value is twice the smaller tail,
 * at most 1 (the exact form of the test, as R's {@code binom.test(b, b + c)} and statsmodels'
 * {@code mcnemar(exact=True)} compute it).
 *
 * <p>Computed in log space, so that {@code b + c} in the hundreds of thousands neither overflows a binomial
 * coefficient nor underflows {@code 2^-n} before the sum is taken.
 */
public final class McNemar {

    private McNemar() {
    }

    /**
     * @param b frames right by the first classifier only (the champion's, here)
     * @param c frames right by the second only (the challenger's)
     * @return the two-sided exact p-value, 1 when there is no discordant frame
     */
    public static double exactPValue(long b, long c) {
        if (b < 0 || c < 0) {
            throw new IllegalArgumentException("discordant counts must be >= 0, got b=" + b + " c=" + c);
        }
        long n = b + c;
        if (n == 0) {
            return 1.0;
        }
        long k = Math.min(b, c);
        // P(X <= k) for X ~ Binomial(n, 1/2): terms C(n, i) / 2^n, each from the one before
        double logTerm = -n * Math.log(2);
        double logTail = logTerm;
        for (long i = 0; i < k; i++) {
            logTerm += Math.log(n - i) - Math.log(i + 1);
            logTail = logAdd(logTail, logTerm);
        }
        return Math.min(1.0, 2 * Math.exp(logTail));
    }

    private static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp(lo - hi));
    }
}
