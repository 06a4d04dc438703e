package dev.emostream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.emostream.model.Emotion;

class AccuracyUpdateTest {

    @Test
    @DisplayName("an update survives the repartition codec with its frames and confusion cells")
    void roundTrip() {
        long[] confusion = new long[Emotion.COUNT * Emotion.COUNT];
        confusion[Emotion.HAPPY.code() * Emotion.COUNT + Emotion.HAPPY.code()] = 3;
        confusion[Emotion.SAD.code() * Emotion.COUNT + Emotion.NEUTRAL.code()] = 2;
        AccuracyUpdate u = new AccuracyUpdate("v1", "all", 7, confusion);

        byte[] bytes = AccuracyUpdate.SERDE.serializer().serialize("t", u);
        AccuracyUpdate back = AccuracyUpdate.SERDE.deserializer().deserialize("t", bytes);

        assertThat(back.seen()).isEqualTo(7);
        assertThat(back.labeled()).isEqualTo(5);
        assertThat(back.correct()).isEqualTo(3);
        assertThat(back.confusion()).isEqualTo(confusion);
        assertThat(bytes.length).as("sparse: two cells").isLessThan(40);
    }

    @Test
    @DisplayName("a one-frame update in the previous format is read as one frame")
    void readsFormatOne() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            StoreCodec.writeString(out, "v1");
            StoreCodec.writeString(out, "all");
            out.writeByte(Emotion.SAD.code());
            out.writeByte(Emotion.HAPPY.code());
        }

        AccuracyUpdate u = AccuracyUpdate.SERDE.deserializer().deserialize("t", bytes.toByteArray());

        assertThat(u.seen()).isEqualTo(1);
        assertThat(u.labeled()).isEqualTo(1);
        assertThat(u.correct()).isZero();
        assertThat(u.confusion()[Emotion.HAPPY.code() * Emotion.COUNT + Emotion.SAD.code()]).isEqualTo(1);
    }
}
