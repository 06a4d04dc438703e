package dev.emostream.app.instances;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GroupAssignment")
class GroupAssignmentTest {

    @Test
    @DisplayName("covers the topic exactly when every partition is held once, by exactly the named instances")
    void coversExactly() {
        GroupAssignment settled = new GroupAssignment(Map.of("a", Set.of(0, 2, 4), "b", Set.of(1, 3, 5)));
        assertThat(settled.coversExactly(Set.of("a", "b"), 6)).isTrue();
        assertThat(settled.coversExactly(Set.of("a", "b", "c"), 6)).as("an instance missing from the group").isFalse();
        assertThat(settled.coversExactly(Set.of("a", "b"), 7)).as("a partition nobody holds").isFalse();
    }

    @Test
    @DisplayName("does not cover it while a dead member still holds its partitions or two members hold one")
    void notWhileRebalancing() {
        GroupAssignment stale = new GroupAssignment(Map.of("a", Set.of(0, 2), "b", Set.of(1, 3), "dead", Set.of(4, 5)));
        assertThat(stale.coversExactly(Set.of("a", "b"), 6)).isFalse();
        GroupAssignment overlap = new GroupAssignment(Map.of("a", Set.of(0, 1, 2, 3), "b", Set.of(3, 4, 5)));
        assertThat(overlap.coversExactly(Set.of("a", "b"), 6)).isFalse();
        assertThat(new GroupAssignment(Map.of()).of("a")).isEmpty();
    }
}
