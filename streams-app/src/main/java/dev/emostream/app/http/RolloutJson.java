package dev.emostream.app.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.emostream.app.rollout.McNemar;
import dev.emostream.app.rollout.RolloutState;
import dev.emostream.app.rollout.RolloutView;
import dev.emostream.app.topology.PairedCounts;
import dev.emostream.schemas.RolloutEvidence;

/**
 * The rollout as JSON, for {@code /accuracy} and the dashboard's stats: champion, challenger, the paired counts this
 * instance holds (with their p-value now) and the latest rollout records with their evidence.
 */
public final class RolloutJson {

    /** Records shown; {@code models status} and the topic have the rest. */
    static final int HISTORY_SHOWN = 10;

    private RolloutJson() {
    }

    public static Map<String, Object> of(RolloutView view, List<PairedCounts> comparisons) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("controlTopic", view.topic());
        m.put("champion", version(view.champion()));
        RolloutState.Rollout r = view.rollout();
        if (r == null) {
            m.put("challenger", null);
        } else {
            Map<String, Object> c = version(r.challenger());
            c.put("rollout", r.id());
            c.put("since", r.started().toString());
            c.put("shadowShare", view.shadowShare());
            m.put("challenger", c);
        }
        List<Map<String, Object>> counts = new ArrayList<>();
        for (PairedCounts p : comparisons) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("rollout", p.rolloutId());
            c.put("champion", p.champion());
            c.put("challenger", p.challenger());
            c.put("shadowed", p.shadowed());
            c.put("agreement", p.agreement());
            c.put("labeled", p.labeled());
            c.put("championAccuracy", p.championAccuracy());
            c.put("challengerAccuracy", p.challengerAccuracy());
            c.put("bothCorrect", p.bothCorrect());
            c.put("championOnly", p.championOnly());
            c.put("challengerOnly", p.challengerOnly());
            c.put("neitherCorrect", p.neitherCorrect());
            c.put("pValue", McNemar.exactPValue(p.championOnly(), p.challengerOnly()));
            c.put("decision", p.decision());
            counts.add(c);
        }
        m.put("comparisons", counts);
        List<Map<String, Object>> history = new ArrayList<>();
        List<RolloutState.Entry> all = view.history();
        for (RolloutState.Entry e : all.subList(Math.max(0, all.size() - HISTORY_SHOWN), all.size())) {
            history.add(entry(e));
        }
        m.put("history", history);
        return m;
    }

    static Map<String, Object> entry(RolloutState.Entry e) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("offset", e.offset());
        h.put("time", e.time() == null ? null : e.time().toString());
        h.put("action", e.action() == null ? null : e.action().name());
        h.put("version", e.version());
        h.put("rollout", e.rollout());
        h.put("champion", e.champion());
        h.put("reason", e.reason());
        h.put("decidedBy", e.decidedBy());
        RolloutEvidence ev = e.evidence();
        if (ev != null) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("labeled", ev.getLabeled());
            x.put("bothCorrect", ev.getBothCorrect());
            x.put("championOnly", ev.getChampionOnly());
            x.put("challengerOnly", ev.getChallengerOnly());
            x.put("neitherCorrect", ev.getNeitherCorrect());
            x.put("pValue", ev.getPValue());
            x.put("alpha", ev.getAlpha());
            x.put("look", ev.getLook());
            x.put("shadowed", ev.getShadowed());
            x.put("agreed", ev.getAgreed());
            h.put("evidence", x);
        }
        h.put("accepted", e.accepted());
        h.put("refusal", e.refusal());
        return h;
    }

    private static Map<String, Object> version(RolloutState.Version v) {
        if (v == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("sha256", v.sha256());
        return m;
    }
}
