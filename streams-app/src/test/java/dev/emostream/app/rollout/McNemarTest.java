package dev.emostream.app.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("McNemar's exact test")
class McNemarTest {

    /**
     * Reference values: twice the binomial tail computed exactly with rational arithmetic (Python's fractions and
     * math.comb), the same as R's binom.test(b, b + c)$p.value and statsmodels' mcnemar(exact=True).
     */
    @ParameterizedTest(name = "b={0} c={1}: p={2}")
    @CsvSource({
            "2, 8, 0.109375",
            "8, 2, 0.109375",
            "0, 5, 0.0625",
            "10, 0, 0.001953125",
            "86, 150, 3.715936139571442e-05",
            "120, 170, 0.003933336512825177",
            "500, 580, 0.016182141859867175",
            "1000, 1100, 0.030720707864242296",
    })
    @DisplayName("matches exact reference values")
    void knownValues(long b, long c, double p) {
        assertThat(McNemar.exactPValue(b, c)).isCloseTo(p, within(p * 1e-9));
    }

    @ParameterizedTest(name = "b={0} c={1}")
    @CsvSource({"0, 0", "5, 5", "3, 4", "4000, 4001"})
    @DisplayName("is 1 with no discordant frame or an even split (to the log-space sum's rounding)")
    void evenIsOne(long b, long c) {
        assertThat(McNemar.exactPValue(b, c)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    @DisplayName("stays finite and tiny for counts far beyond what a binomial coefficient in double holds")
    void largeCounts() {
        double p = McNemar.exactPValue(100_000, 101_500);
        assertThat(p).isGreaterThan(0).isLessThan(0.01);
        assertThat(McNemar.exactPValue(10_000, 30_000)).isEqualTo(0.0); // underflows to 0: decided
        assertThat(McNemar.exactPValue(100_000, 100_000)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    @DisplayName("refuses negative counts")
    void negative() {
        assertThatThrownBy(() -> McNemar.exactPValue(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
