package dev.emostream.app.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Which frames the challenger classifies: a frame is in the share by a hash of its frame id, not by chance or load.
 * So a frame classified again after a crash, or on another instance after a rebalance, is shadowed or not as the
 * first time, and the labeled frames shadowed are a fair sample of all of them.
 */
final class ShadowShare {

    /** The share's resolution: one frame in ten thousand. */
    static final int BUCKETS = 10_000;

    private ShadowShare() {
    }

    static boolean picks(String frameId, double share) {
        if (share >= 1) {
            return true;
        }
        int bucket = Utils.toPositive(Utils.murmur2(frameId.getBytes(StandardCharsets.UTF_8))) % BUCKETS;
        return bucket < Math.round(share * BUCKETS);
    }
}
