package dev.emostream.app.topology;

import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.emostream.app.rollout.ControlRecords;
import dev.emostream.app.rollout.RolloutRule;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutEvidence;

/**
 * Adds each batch's paired counts to its rollout's totals and applies the {@link RolloutRule}; a decision goes to the
 * control topic as one PROMOTE or ROLLBACK record with its counts and p-value, and the totals remember it, so no
 * later batch decides again.
 *
 * <p>Why here and exactly once: the counts are keyed by rollout id through a repartition topic, so every instance's
 * batches of one rollout meet in one task, and only that task decides. Its store update and the decision record
 * commit in one transaction ({@code exactly_once_v2}): a crash before the commit aborts both, and the task's next
 * owner, restored to the last commit, decides again from the same counts, once. Every instance switches when its
 * {@code read_committed} follower reads the record. docs/ARCHITECTURE.md, "Model rollout".
 */
final class RolloutJudge implements Processor<String, PairedCounts, String, ModelControl> {

    private final String storeName;
    private final RolloutRule rule;
    private ProcessorContext<String, ModelControl> context;
    private KeyValueStore<String, PairedCounts> store;

    RolloutJudge(String storeName, RolloutRule rule) {
        this.storeName = storeName;
        this.rule = rule;
    }

    @Override
    public void init(ProcessorContext<String, ModelControl> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, PairedCounts> record) {
        PairedCounts before = store.get(record.key());
        if (before != null && (before.startedMs() != record.value().startedMs()
                || !before.challengerSha().equals(record.value().challengerSha()))) {
            // the same id for another rollout: a control topic recreated under the same application.id restarts offsets
            before = null;
        }
        PairedCounts after = before == null ? record.value() : before.plus(record.value());
        if (after.decision() == null) {
            long now = context.currentSystemTimeMs();
            Optional<RolloutRule.Decision> decision = rule.decide(before == null ? 0 : before.labeled(),
                    after.labeled(), after.championOnly(), after.challengerOnly(), now - after.startedMs());
            if (decision.isPresent()) {
                RolloutRule.Decision d = decision.get();
                after = after.decided(d.action().name(), now);
                context.forward(new Record<>(ControlRecords.decisionKey(after.rolloutId()), decisionRecord(after, d, now),
                        record.timestamp()));
            }
        }
        store.put(record.key(), after);
    }

    private static ModelControl decisionRecord(PairedCounts c, RolloutRule.Decision d, long nowMs) {
        RolloutEvidence evidence = RolloutEvidence.newBuilder().setLabeled(c.labeled()).setBothCorrect(c.bothCorrect())
                .setChampionOnly(c.championOnly()).setChallengerOnly(c.challengerOnly())
                .setNeitherCorrect(c.neitherCorrect()).setPValue(d.pValue()).setAlpha(d.alpha()).setLook(d.look())
                .setShadowed(c.shadowed()).setAgreed(c.agreed()).build();
        return ControlRecords.rollout(d.action(), c.challenger(), c.challengerSha(), c.rolloutId(), c.champion(),
                Instant.ofEpochMilli(nowMs), d.reason(), ControlRecords.RULE, evidence);
    }
}
