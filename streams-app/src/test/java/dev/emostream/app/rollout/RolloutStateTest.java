package dev.emostream.app.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.schemas.RolloutAction;
import dev.emostream.schemas.RolloutRecord;

@DisplayName("RolloutState")
class RolloutStateTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);
    private static final String BAD = "d".repeat(64);
    /** v1, v2, v3 are published and load; v4's artifact fails verification. */
    private static final Map<String, String> PUBLISHED = Map.of("v1", A, "v2", B, "v3", C, "v4", BAD);
    private static final RolloutState.Artifacts ARTIFACTS = (version, sha) -> {
        if (!PUBLISHED.containsKey(version)) {
            return Optional.of("unknown version " + version);
        }
        if (!PUBLISHED.get(version).equals(sha)) {
            return Optional.of("checksum mismatch for " + version);
        }
        return version.equals("v4") ? Optional.of("artifact v4 refused: corrupt") : Optional.empty();
    };

    private static RolloutRecord record(RolloutAction action, String version, String sha, String rollout) {
        return (RolloutRecord) ControlRecords.rollout(action, version, sha, rollout, null, Instant.ofEpochSecond(1000),
                "test", "test", null).getPayload();
    }

    private static RolloutRecord record(RolloutAction action, String version) {
        return record(action, version, PUBLISHED.get(version), null);
    }

    @Test
    @DisplayName("champion, challenger, promote: the challenger serves and the old champion is the one to go back to")
    void promote() {
        RolloutState s = new RolloutState();
        assertThat(s.apply(record(RolloutAction.CHAMPION, "v1"), 10, ARTIFACTS)).isEmpty();
        assertThat(s.apply(record(RolloutAction.CHALLENGER, "v2"), 20, ARTIFACTS)).isEmpty();
        assertThat(s.rollout().id()).isEqualTo("rollout-20");
        assertThat(s.rollout().challenger()).isEqualTo(new RolloutState.Version("v2", B));
        assertThat(s.rollout().started()).isEqualTo(Instant.ofEpochSecond(1000));
        assertThat(s.apply(record(RolloutAction.PROMOTE, "v2", B, "rollout-20"), 30, ARTIFACTS)).isEmpty();
        assertThat(s.champion().version()).isEqualTo("v2");
        assertThat(s.rollout()).isNull();
        assertThat(s.previousChampion().version()).isEqualTo("v1");
        assertThat(s.history()).extracting(RolloutState.Entry::accepted).containsExactly(true, true, true);
    }

    @Test
    @DisplayName("a rollback drops the challenger; with none under way it returns the champion before")
    void rollback() {
        RolloutState s = new RolloutState();
        s.apply(record(RolloutAction.CHAMPION, "v1"), 1, ARTIFACTS);
        s.apply(record(RolloutAction.CHALLENGER, "v2"), 2, ARTIFACTS);
        assertThat(s.apply(record(RolloutAction.ROLLBACK, "v2", B, "rollout-2"), 3, ARTIFACTS)).isEmpty();
        assertThat(s.champion().version()).isEqualTo("v1");
        assertThat(s.rollout()).isNull();
        s.apply(record(RolloutAction.CHAMPION, "v3"), 4, ARTIFACTS);
        assertThat(s.apply(record(RolloutAction.ROLLBACK, "v3"), 5, ARTIFACTS)).isEmpty();
        assertThat(s.champion().version()).isEqualTo("v1");
        assertThat(s.apply(record(RolloutAction.ROLLBACK, "v1"), 6, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("nothing to roll back").contains("first champion"));
    }

    @Test
    @DisplayName("records that do not fit are refused with a reason and change nothing")
    void refusals() {
        RolloutState s = new RolloutState();
        assertThat(s.apply(record(RolloutAction.CHALLENGER, "v2"), 1, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("no champion"));
        assertThat(s.apply(record(RolloutAction.CHAMPION, "v9", A, null), 2, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("unknown version v9"));
        assertThat(s.apply(record(RolloutAction.CHAMPION, "v1", B, null), 3, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("checksum mismatch"));
        s.apply(record(RolloutAction.CHAMPION, "v1"), 4, ARTIFACTS);
        assertThat(s.apply(record(RolloutAction.CHALLENGER, "v4"), 5, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("refused: corrupt"));
        assertThat(s.apply(record(RolloutAction.CHALLENGER, "v1"), 6, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("champion already"));
        assertThat(s.apply(record(RolloutAction.PROMOTE, "v2"), 7, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("no rollout under way"));
        s.apply(record(RolloutAction.CHALLENGER, "v2"), 8, ARTIFACTS);
        assertThat(s.apply(record(RolloutAction.CHALLENGER, "v3"), 9, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("under way"));
        assertThat(s.apply(record(RolloutAction.PROMOTE, "v3"), 10, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).contains("v3 is not the challenger (v2 is)"));
        assertThat(s.apply(record(RolloutAction.PROMOTE, "v2", B, "rollout-1"), 11, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).startsWith("stale decision"));
        assertThat(s.apply(record(RolloutAction.PROMOTE, "v2", C, "rollout-8"), 12, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).startsWith("checksum mismatch"));
        assertThat(s.champion().version()).isEqualTo("v1");
        assertThat(s.rollout().id()).isEqualTo("rollout-8");
        assertThat(s.history()).filteredOn(e -> !e.accepted()).hasSize(10);
    }

    @Test
    @DisplayName("a second decision for a rollout that has ended is refused as stale")
    void secondDecisionIsStale() {
        RolloutState s = new RolloutState();
        s.apply(record(RolloutAction.CHAMPION, "v1"), 1, ARTIFACTS);
        s.apply(record(RolloutAction.CHALLENGER, "v2"), 2, ARTIFACTS);
        s.apply(record(RolloutAction.PROMOTE, "v2", B, "rollout-2"), 3, ARTIFACTS);
        assertThat(s.apply(record(RolloutAction.ROLLBACK, "v2", B, "rollout-2"), 4, ARTIFACTS)).hasValueSatisfying(r ->
                assertThat(r).startsWith("stale decision: rollout-2 has ended"));
        assertThat(s.champion().version()).isEqualTo("v2");
    }

    @Test
    @DisplayName("the same records give the same state, whenever a reader starts")
    void deterministic() {
        List<RolloutRecord> records = List.of(record(RolloutAction.CHAMPION, "v1"),
                record(RolloutAction.CHALLENGER, "v4"), record(RolloutAction.CHALLENGER, "v2"),
                record(RolloutAction.PROMOTE, "v2", B, "rollout-2"), record(RolloutAction.CHALLENGER, "v3"));
        RolloutState first = new RolloutState();
        RolloutState second = new RolloutState();
        for (int i = 0; i < records.size(); i++) {
            first.apply(records.get(i), i, ARTIFACTS);
        }
        for (int i = 0; i < records.size(); i++) {
            second.apply(records.get(i), i, ARTIFACTS);
        }
        assertThat(second).isEqualTo(first);
        assertThat(first.champion().version()).isEqualTo("v2");
        assertThat(first.rollout().id()).isEqualTo("rollout-4");
    }
}
