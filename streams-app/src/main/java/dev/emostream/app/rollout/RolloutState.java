package dev.emostream.app.rollout;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.emostream.schemas.RolloutAction;
import dev.emostream.schemas.RolloutEvidence;
import dev.emostream.schemas.RolloutRecord;

/**
 * Which model is champion and which, if any, is being shadowed, folded from the control topic's rollout records in
 * offset order. Pure: the same records and the same artifact verdicts give the same state on every instance, at any
 * time it starts. A record that does not fit the state (a challenger while a rollout is under way, a promotion of a
 * version that is not the challenger, a decision for a rollout that has ended, an artifact that is missing or fails
 * verification) is refused with a reason and changes nothing.
 *
 * <ul>
 *   <li>CHAMPION v: v serves; a rollout under way ends.</li>
 *   <li>CHALLENGER v: starts rollout {@code rollout-<offset>}: v is shadowed against the champion. Needs a champion
 *       from the topic and no rollout under way.</li>
 *   <li>PROMOTE v: the challenger v becomes champion.</li>
 *   <li>ROLLBACK v: the challenger v is dropped; with no rollout under way, the champion v gives way to the champion
 *       before it.</li>
 * </ul>
 */
public final class RolloutState {

    /** History entries kept for status and the dashboard; the topic keeps them all. */
    static final int HISTORY = 100;

    /** A version as published: its artifact's checksum names the bytes. */
    public record Version(String version, String sha256) {
    }

    /** The rollout under way: its id ({@code rollout-<offset of its CHALLENGER record>}), challenger and start. */
    public record Rollout(String id, Version challenger, Instant started) {
    }

    /** One rollout record as applied: {@code refusal} null when it was accepted. */
    public record Entry(long offset, Instant time, RolloutAction action, String version, String rollout,
                        String champion, String reason, String decidedBy, RolloutEvidence evidence, String refusal) {

        public boolean accepted() {
            return refusal == null;
        }
    }

    /** Whether an artifact can serve: empty when it can, else why not. Asked once per record that needs it. */
    @FunctionalInterface
    public interface Artifacts {
        Optional<String> problem(String version, String sha256);
    }

    private Version champion;
    private Rollout rollout;
    private final Deque<Version> earlierChampions = new ArrayDeque<>();
    private final Deque<Entry> history = new ArrayDeque<>();

    /** The champion named by the topic; null before the first CHAMPION record (each instance serves its own). */
    public Version champion() {
        return champion;
    }

    /** The rollout under way, or null. */
    public Rollout rollout() {
        return rollout;
    }

    /** The champion a ROLLBACK with no rollout under way returns to, or null. */
    public Version previousChampion() {
        return earlierChampions.peek();
    }

    /** The latest records, oldest first. */
    public List<Entry> history() {
        return List.copyOf(history);
    }

    /**
     * Applies one rollout record.
     *
     * @param offset its offset on the control topic (a CHALLENGER's names its rollout)
     * @return why it was refused, or empty when it was applied
     */
    public Optional<String> apply(RolloutRecord r, long offset, Artifacts artifacts) {
        Optional<String> refusal = refusal(r, offset, artifacts);
        history.addLast(new Entry(offset, r.getTime(), r.getAction(), r.getVersion(), r.getRollout(), r.getChampion(),
                r.getReason(), r.getDecidedBy(), r.getEvidence(), refusal.orElse(null)));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        return refusal;
    }

    /** Records a control record that could not be read at all (its bytes), for the history. */
    public void unreadable(long offset, Instant time, String reason) {
        history.addLast(new Entry(offset, time, null, null, null, null, null, null, null, reason));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
    }

    private Optional<String> refusal(RolloutRecord r, long offset, Artifacts artifacts) {
        Version named = new Version(r.getVersion(), r.getSha256());
        switch (r.getAction()) {
            case CHAMPION -> {
                if (named.equals(champion) && rollout == null) {
                    return Optional.empty();
                }
                Optional<String> problem = artifacts.problem(named.version(), named.sha256());
                if (problem.isPresent()) {
                    return problem;
                }
                crown(named);
                return Optional.empty();
            }
            case CHALLENGER -> {
                if (champion == null) {
                    return Optional.of("no champion on the control topic yet: publish one with --champion first");
                }
                if (rollout != null) {
                    return Optional.of("a rollout of " + rollout.challenger().version() + " (" + rollout.id()
                            + ") is under way: promote it or roll it back first");
                }
                if (named.version().equals(champion.version())) {
                    return Optional.of(named.version() + " is the champion already");
                }
                Optional<String> problem = artifacts.problem(named.version(), named.sha256());
                if (problem.isPresent()) {
                    return problem;
                }
                rollout = new Rollout("rollout-" + offset, named, r.getTime());
                return Optional.empty();
            }
            case PROMOTE -> {
                Optional<String> problem = decidesRollout(r, named);
                if (problem.isPresent()) {
                    return problem;
                }
                crown(rollout.challenger());
                return Optional.empty();
            }
            case ROLLBACK -> {
                if (rollout == null && r.getRollout() == null) {
                    if (champion == null || !champion.version().equals(named.version())) {
                        return Optional.of("nothing to roll back: no rollout under way, and " + named.version()
                                + " is not the champion" + (champion == null ? "" : " (" + champion.version() + " is)"));
                    }
                    if (!champion.sha256().equals(named.sha256())) {
                        return Optional.of(checksumMismatch(named, champion));
                    }
                    if (earlierChampions.isEmpty()) {
                        return Optional.of("nothing to roll back: " + champion.version() + " is the first champion");
                    }
                    champion = earlierChampions.pop();
                    return Optional.empty();
                }
                Optional<String> problem = decidesRollout(r, named);
                if (problem.isPresent()) {
                    return problem;
                }
                rollout = null;
                return Optional.empty();
            }
            default -> {
                return Optional.of("unknown action " + r.getAction());
            }
        }
    }

    /** A PROMOTE or ROLLBACK must name the challenger under way (and its rollout, when it names one). */
    private Optional<String> decidesRollout(RolloutRecord r, Version named) {
        if (rollout == null) {
            return Optional.of(r.getRollout() != null
                    ? "stale decision: " + r.getRollout() + " has ended and no rollout is under way"
                    : "no rollout under way: " + named.version() + " is not a challenger");
        }
        if (r.getRollout() != null && !r.getRollout().equals(rollout.id())) {
            return Optional.of("stale decision: " + r.getRollout() + " has ended; the rollout under way is "
                    + rollout.id() + " (" + rollout.challenger().version() + ")");
        }
        if (!named.version().equals(rollout.challenger().version())) {
            return Optional.of(named.version() + " is not the challenger (" + rollout.challenger().version() + " is)");
        }
        if (!named.sha256().equals(rollout.challenger().sha256())) {
            return Optional.of(checksumMismatch(named, rollout.challenger()));
        }
        return Optional.empty();
    }

    private void crown(Version next) {
        if (champion != null && !champion.equals(next)) {
            earlierChampions.push(champion);
        }
        champion = next;
        rollout = null;
    }

    private static String checksumMismatch(Version named, Version actual) {
        return "checksum mismatch: the record names " + named.version() + " with checksum " + named.sha256()
                + ", the one in service has " + actual.sha256();
    }

    /** The versions a command may name now, for its error messages. */
    public List<String> inService() {
        List<String> out = new ArrayList<>();
        if (champion != null) {
            out.add(champion.version() + " (champion)");
        }
        if (rollout != null) {
            out.add(rollout.challenger().version() + " (challenger)");
        }
        return out;
    }

    @Override
    public String toString() {
        return "champion " + (champion == null ? "none" : champion.version())
                + (rollout == null ? "" : ", " + rollout.id() + " shadowing " + rollout.challenger().version());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RolloutState s && Objects.equals(champion, s.champion) && Objects.equals(rollout, s.rollout)
                && List.copyOf(earlierChampions).equals(List.copyOf(s.earlierChampions));
    }

    @Override
    public int hashCode() {
        return Objects.hash(champion, rollout);
    }
}
