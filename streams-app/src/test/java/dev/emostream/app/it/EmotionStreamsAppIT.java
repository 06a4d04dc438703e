package dev.emostream.app.it;

import java.nio.file.Path;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.emostream.app.testing.EndToEndScenario;
import dev.emostream.app.testing.TestCluster;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;

@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("the app on a real broker and registry")
class EmotionStreamsAppIT {

    @TempDir
    Path dir;

    @Test
    @DisplayName("1,000 faces and 50 malformed records give exactly 1,000 events, 50 dead letters and trainer evaluate's counts")
    void facesEndToEnd(EmbeddedEnvironment env) throws Exception {
        EndToEndScenario.run(TestCluster.of(env), dir);
    }
}
