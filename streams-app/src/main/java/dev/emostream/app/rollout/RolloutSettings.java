package dev.emostream.app.rollout;

import java.time.Duration;
import java.util.Objects;

/**
 * Topic mode ({@code model.source=topic}): where models and rollout records come from, where the challenger's events
 * go, how many frames it shadows and the rule that ends a rollout.
 *
 * @param controlTopic the compacted control topic every instance follows ({@code rollout.topic})
 * @param shadowTopic  the challenger's events, same schema as {@code emotions} ({@code shadow.topic})
 * @param shadowShare  share of valid frames the challenger classifies too, 0..1 ({@code rollout.shadow.share})
 * @param shadowYield  live frames go unshadowed while frames wait for the model ({@code rollout.shadow.yield})
 */
public record RolloutSettings(String controlTopic, String shadowTopic, double shadowShare, boolean shadowYield,
                              long minLabeled,
                              long maxLabeled, double alpha, Duration maxDuration) {

    public static final String DEFAULT_CONTROL_TOPIC = "model-rollout";
    public static final String DEFAULT_SHADOW_TOPIC = "emotions-shadow";
    /**
     * Half the frames: the model's work grows by half the challenger's cost per frame instead of all of it, and a
     * decision at 2,000 labeled frames needs 4,000 labeled frames in. docs/OPERATIONS.md, "Rolling out a model".
     */
    public static final double DEFAULT_SHADOW_SHARE = 0.5;
    /** The champion's latency first: shadowing takes only the model's spare time on live frames. */
    public static final boolean DEFAULT_SHADOW_YIELD = true;
    public static final long DEFAULT_MIN_LABELED = 2_000;
    public static final long DEFAULT_MAX_LABELED = 16_000;
    public static final double DEFAULT_ALPHA = 0.05;
    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(24);

    public RolloutSettings {
        Objects.requireNonNull(controlTopic, "controlTopic");
        Objects.requireNonNull(shadowTopic, "shadowTopic");
        if (controlTopic.isBlank() || shadowTopic.isBlank()) {
            throw new IllegalArgumentException("the control and shadow topics need names");
        }
        if (!(shadowShare >= 0 && shadowShare <= 1)) {
            throw new IllegalArgumentException("shadow share must be within 0..1, got " + shadowShare);
        }
        rule(minLabeled, maxLabeled, alpha, maxDuration); // validates
    }

    public static RolloutSettings defaults() {
        return new RolloutSettings(DEFAULT_CONTROL_TOPIC, DEFAULT_SHADOW_TOPIC, DEFAULT_SHADOW_SHARE,
                DEFAULT_SHADOW_YIELD, DEFAULT_MIN_LABELED, DEFAULT_MAX_LABELED, DEFAULT_ALPHA, DEFAULT_MAX_DURATION);
    }

    public RolloutRule rule() {
        return rule(minLabeled, maxLabeled, alpha, maxDuration);
    }

    private static RolloutRule rule(long minLabeled, long maxLabeled, double alpha, Duration maxDuration) {
        return new RolloutRule(minLabeled, maxLabeled, alpha, maxDuration);
    }

    public RolloutSettings withRule(long min, long max) {
        return new RolloutSettings(controlTopic, shadowTopic, shadowShare, shadowYield, min, max, alpha, maxDuration);
    }

    public RolloutSettings withShadowShare(double share) {
        return new RolloutSettings(controlTopic, shadowTopic, share, shadowYield, minLabeled, maxLabeled, alpha, maxDuration);
    }
}
