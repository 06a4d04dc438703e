package dev.emostream.app.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.model.artifact.ModelArtifact;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutAction;

@DisplayName("ControlLog")
class ControlLogTest {

    @TempDir
    Path dir;

    private final byte[] artifact = new byte[1000];
    private String sha;

    private ControlLog published(ControlLog.Verifier verifier) {
        new Random(7).nextBytes(artifact);
        sha = ModelArtifact.sha256(artifact);
        ControlLog log = new ControlLog(dir, verifier);
        long offset = 0;
        for (ModelControl piece : ControlRecords.chunks("v1", sha, artifact)) {
            assertThat(log.apply(piece, offset++)).isEmpty();
        }
        return log;
    }

    private ModelControl champion() {
        return ControlRecords.rollout(RolloutAction.CHAMPION, "v1", sha, null, null, Instant.now(), "first",
                ControlRecords.operator(), null);
    }

    @Test
    @DisplayName("a failure of this machine while verifying is not kept: the record applies again later and is taken")
    void localFailureIsRetried() {
        AtomicInteger calls = new AtomicInteger();
        ControlLog log = published(a -> {
            if (calls.incrementAndGet() == 1) {
                throw new ModelArtifactException("cannot read model artifact", new IOException("No space left"));
            }
            return "v1";
        });
        assertThatThrownBy(() -> log.apply(champion(), 10)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("on this machine now");
        assertThat(log.state().history()).as("nothing applied yet").isEmpty();
        assertThat(log.apply(champion(), 10)).isEmpty();
        assertThat(log.state().champion().version()).isEqualTo("v1");
    }

    @Test
    @DisplayName("a verdict on the artifact's bytes is kept: refused once, with the reason, and not loaded again")
    void contentFailureIsKept() {
        AtomicInteger calls = new AtomicInteger();
        ControlLog log = published(a -> {
            calls.incrementAndGet();
            throw new ModelArtifactException("model artifact is corrupt", new ZipException("invalid entry"));
        });
        Optional<String> first = log.apply(champion(), 10);
        assertThat(first).hasValueSatisfying(r -> assertThat(r).contains("refused").contains("corrupt"));
        assertThat(log.apply(champion(), 11)).isEqualTo(first);
        assertThat(calls).hasValue(1);
    }
}
