package dev.emostream.app.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.emostream.schemas.EmotionEvent;

/**
 * A Kaggle FER2013 submission: {@code id,emotion} (the Kaggle code 0..6), one row per frame of a replay, in the
 * order the replay sent them. The order comes from the replay, not from the events (events of different
 * partitions or batches interleave), and each frame is looked up once, so a frame seen twice in {@code emotions}
 * (an at-least-once consumer upstream, a replay run twice under the same source id) still gives one row.
 */
public final class Submission {

    public static final String HEADER = "id,emotion";

    public record Row(String id, int emotion) {
    }

    private final List<Row> rows;

    private Submission(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /**
     * @param frameOrder the replay's frame ids in the order sent (duplicates after the first are ignored)
     * @param events     the classification of each frame id
     * @throws IllegalStateException naming the missing frames when some frame has no event
     */
    public static Submission of(List<String> frameOrder, Map<String, EmotionEvent> events) {
        List<String> order = FrameOrder.distinct(frameOrder);
        List<Row> rows = new ArrayList<>(order.size());
        List<String> missing = new ArrayList<>();
        for (String id : order) {
            EmotionEvent e = events.get(id);
            if (e == null) {
                missing.add(id);
            } else {
                rows.add(new Row(id, e.getPredicted().ordinal()));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " of " + order.size()
                    + " frames have no emotion event (rejected, or not classified yet): "
                    + missing.subList(0, Math.min(10, missing.size())) + (missing.size() > 10 ? " ..." : ""));
        }
        return new Submission(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Writes the file atomically: a reader never sees half a submission. */
    public void write(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (Row r : rows) {
                w.write(r.id());
                w.write(',');
                w.write(Integer.toString(r.emotion()));
                w.write('\n');
            }
        }
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
