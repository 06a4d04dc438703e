package dev.emostream.app.model;

import java.util.Objects;

/**
 * What serves one batch: the champion, whose events go to {@code emotions}, and, while a rollout is under way, the
 * challenger that classifies a share of the same frames beside it (its events go to the shadow topic).
 *
 * @param challenger null when no rollout is under way
 */
public record Lineup(ServingModel champion, Challenger challenger) {

    public Lineup {
        Objects.requireNonNull(champion, "champion");
    }

    /**
     * A model shadowed against the champion.
     *
     * @param rolloutId  {@code rollout-<offset>} of the CHALLENGER record that started the rollout: the same on every
     *                   instance, so their counts meet under one key
     * @param sha256     the challenger artifact's checksum, repeated in the decision record
     * @param startedMs  the CHALLENGER record's time: the rollout's time limit counts from it
     * @param share      the share of valid frames it classifies, 0..1 ({@code rollout.shadow.share})
     * @param yields     live frames go unshadowed while frames wait for the model ({@code rollout.shadow.yield})
     */
    public record Challenger(ServingModel model, String rolloutId, String sha256, long startedMs, double share,
                             boolean yields) {

        public Challenger {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(rolloutId, "rolloutId");
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("shadow share must be within 0..1, got " + share);
            }
        }

        /** A challenger that yields to waiting frames on live ones ({@code rollout.shadow.yield}'s default). */
        public Challenger(ServingModel model, String rolloutId, String sha256, long startedMs, double share) {
            this(model, rolloutId, sha256, startedMs, share, true);
        }

        public Challenger withShare(double newShare) {
            return new Challenger(model, rolloutId, sha256, startedMs, newShare, yields);
        }
    }
}
