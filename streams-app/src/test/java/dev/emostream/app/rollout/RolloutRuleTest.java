package dev.emostream.app.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.RolloutAction;

@DisplayName("RolloutRule")
class RolloutRuleTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private final RolloutRule rule = new RolloutRule(2_000, 16_000, 0.05, Duration.ofHours(24));

    @Test
    @DisplayName("looks at the minimum, doubling, and at the maximum; alpha is split over the looks")
    void looks() {
        assertThat(rule.looks()).containsExactly(2_000, 4_000, 8_000, 16_000);
        assertThat(rule.alphaPerLook()).isEqualTo(0.0125);
        assertThat(new RolloutRule(2_000, 10_000, 0.05, Duration.ofHours(1)).looks())
                .containsExactly(2_000, 4_000, 8_000, 10_000);
        RolloutRule once = new RolloutRule(500, 500, 0.05, Duration.ofHours(1));
        assertThat(once.looks()).containsExactly(500);
        assertThat(once.alphaPerLook()).isEqualTo(0.05);
    }

    @Test
    @DisplayName("decides nothing before the first look, however lopsided the counts")
    void nothingBeforeTheFirstLook() {
        assertThat(rule.decide(1_000, 1_999, 0, 600, HOUR)).isEmpty();
    }

    @Test
    @DisplayName("promotes a challenger right where the champion was wrong clearly more often, at the look it crosses")
    void promotesBetter() {
        // b=150, c=230 on 2,000 frames: p = 4.8e-05 < 0.0125
        Optional<RolloutRule.Decision> d = rule.decide(1_990, 2_010, 150, 230, HOUR);
        assertThat(d).hasValueSatisfying(x -> {
            assertThat(x.action()).isEqualTo(RolloutAction.PROMOTE);
            assertThat(x.look()).isEqualTo(1);
            assertThat(x.pValue()).isLessThan(0.0125);
            assertThat(x.alpha()).isEqualTo(0.0125);
            assertThat(x.reason()).startsWith("challenger better").contains("2,010 labeled frames").contains("230")
                    .contains("150");
        });
    }

    @Test
    @DisplayName("drops a challenger that is worse by the same test")
    void dropsWorse() {
        assertThat(rule.decide(3_999, 4_001, 330, 220, HOUR)).hasValueSatisfying(x -> {
            assertThat(x.action()).isEqualTo(RolloutAction.ROLLBACK);
            assertThat(x.look()).isEqualTo(2);
            assertThat(x.reason()).startsWith("challenger worse");
        });
    }

    @Test
    @DisplayName("a difference significant at 0.05 but not at 0.05 / 4 decides nothing before the last look")
    void peekingIsNotEnough() {
        // b=500, c=580: p = 0.016, below 0.05, not below 0.0125
        assertThat(rule.decide(3_900, 4_100, 500, 580, HOUR)).isEmpty();
    }

    @Test
    @DisplayName("decides only when a look is crossed, not on every batch after it")
    void onlyAtLooks() {
        assertThat(rule.decide(2_010, 2_040, 150, 230, HOUR)).isEmpty();
    }

    @Test
    @DisplayName("keeps the champion at the last look with no decision")
    void lastLookKeepsTheChampion() {
        assertThat(rule.decide(15_990, 16_020, 1_000, 1_050, HOUR)).hasValueSatisfying(x -> {
            assertThat(x.action()).isEqualTo(RolloutAction.ROLLBACK);
            assertThat(x.look()).isEqualTo(4);
            assertThat(x.reason()).startsWith("no decision at the last look").endsWith("the champion stays");
        });
    }

    @Test
    @DisplayName("keeps the champion when the time limit passes first")
    void timeLimit() {
        assertThat(rule.decide(100, 110, 10, 12, Duration.ofHours(24).toMillis())).hasValueSatisfying(x -> {
            assertThat(x.action()).isEqualTo(RolloutAction.ROLLBACK);
            assertThat(x.look()).isZero();
            assertThat(x.reason()).contains("time limit of 24 h").contains("110 labeled frames");
        });
        assertThat(rule.decide(100, 110, 10, 12, Duration.ofHours(24).toMillis() - 1)).isEmpty();
    }

    @Test
    @DisplayName("refuses settings that cannot work")
    void refusesBadSettings() {
        assertThatThrownBy(() -> new RolloutRule(0, 10, 0.05, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RolloutRule(100, 10, 0.05, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RolloutRule(100, 1000, 1.5, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RolloutRule(100, 1000, 0.05, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
