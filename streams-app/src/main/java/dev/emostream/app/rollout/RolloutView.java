package dev.emostream.app.rollout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the control topic says now, as one immutable value: for {@code /accuracy}, the dashboard and
 * {@code models status}.
 *
 * @param champion  null before the topic named one
 * @param rollout   null when none is under way
 * @param previous  the champion a ROLLBACK would return to, or null
 * @param published version to checksum of every complete artifact on the topic, in publishing order
 * @param history   the latest rollout records, accepted or refused, oldest first
 */
public record RolloutView(String topic, RolloutState.Version champion, RolloutState.Rollout rollout,
                          RolloutState.Version previous, Map<String, String> published,
                          List<RolloutState.Entry> history, double shadowShare) {

    public static RolloutView of(String topic, ControlLog log, double shadowShare) {
        Map<String, String> published = new LinkedHashMap<>();
        log.artifacts().versions().forEach((version, p) -> published.put(version, p.sha256()));
        RolloutState s = log.state();
        return new RolloutView(topic, s.champion(), s.rollout(), s.previousChampion(),
                java.util.Collections.unmodifiableMap(published),
                s.history(), shadowShare);
    }
}
