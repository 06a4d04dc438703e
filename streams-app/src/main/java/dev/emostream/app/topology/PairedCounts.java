package dev.emostream.app.topology;

import org.apache.kafka.common.serialization.Serde;

/**
 * Frames both models of one rollout classified: what one batch adds (the repartition value, keyed by the rollout id,
 * so every instance's batches meet in one task) and the running totals with the decision taken on them (the value of
 * {@code rollout-store}). The four labeled cells pair each labeled frame's two outcomes: McNemar's test needs the
 * pairs, not the two accuracies.
 *
 * @param startedMs      the CHALLENGER record's time
 * @param shadowed       frames both classified, labeled or not
 * @param agreed         of those, frames both put in the same class
 * @param championOnly   labeled frames only the champion got right
 * @param challengerOnly labeled frames only the challenger got right
 * @param decision       null while undecided, else the action written to the control topic (PROMOTE, ROLLBACK)
 */
public record PairedCounts(String rolloutId, String champion, String challenger, String challengerSha,
                           long startedMs, long shadowed, long agreed, long bothCorrect, long championOnly,
                           long challengerOnly, long neitherCorrect, String decision, long decidedMs) {

    static final Serde<PairedCounts> SERDE = StoreCodec.serde("paired counts", 1, (c, out) -> {
        StoreCodec.writeString(out, c.rolloutId());
        StoreCodec.writeString(out, c.champion());
        StoreCodec.writeString(out, c.challenger());
        StoreCodec.writeString(out, c.challengerSha());
        out.writeLong(c.startedMs());
        out.writeLong(c.shadowed());
        out.writeLong(c.agreed());
        out.writeLong(c.bothCorrect());
        out.writeLong(c.championOnly());
        out.writeLong(c.challengerOnly());
        out.writeLong(c.neitherCorrect());
        StoreCodec.writeString(out, c.decision());
        out.writeLong(c.decidedMs());
    }, in -> new PairedCounts(StoreCodec.readString(in), StoreCodec.readString(in), StoreCodec.readString(in),
            StoreCodec.readString(in), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
            in.readLong(), in.readLong(), StoreCodec.readString(in), in.readLong()));

    /** Labeled frames both classified. */
    public long labeled() {
        return bothCorrect + championOnly + challengerOnly + neitherCorrect;
    }

    public double championAccuracy() {
        return labeled() == 0 ? 0 : (double) (bothCorrect + championOnly) / labeled();
    }

    public double challengerAccuracy() {
        return labeled() == 0 ? 0 : (double) (bothCorrect + challengerOnly) / labeled();
    }

    public double agreement() {
        return shadowed == 0 ? 0 : (double) agreed / shadowed;
    }

    PairedCounts plus(PairedCounts u) {
        return new PairedCounts(rolloutId, champion, challenger, challengerSha, startedMs, shadowed + u.shadowed,
                agreed + u.agreed, bothCorrect + u.bothCorrect, championOnly + u.championOnly,
                challengerOnly + u.challengerOnly, neitherCorrect + u.neitherCorrect, decision, decidedMs);
    }

    PairedCounts decided(String action, long atMs) {
        return new PairedCounts(rolloutId, champion, challenger, challengerSha, startedMs, shadowed, agreed,
                bothCorrect, championOnly, challengerOnly, neitherCorrect, action, atMs);
    }
}
