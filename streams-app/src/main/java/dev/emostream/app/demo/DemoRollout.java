package dev.emostream.app.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.AppConfig;
import dev.emostream.app.rollout.ModelPublisher;
import dev.emostream.app.rollout.RolloutRule;
import dev.emostream.app.rollout.RolloutSettings;
import dev.emostream.app.rollout.RolloutState;
import dev.emostream.app.rollout.RolloutView;
import dev.emostream.schemas.RolloutEvidence;

/**
 * The demo's {@code --challenger}: the app in topic mode with every face shadowed and a rule sized to the replay, and
 * the decision read back from the app's own view of the control topic.
 */
final class DemoRollout {

    /** At most the default's 2,000 labeled frames, at least 100: a quarter of the replay. */
    static long minLabeled(long faces) {
        return Math.max(100, Math.min(RolloutSettings.DEFAULT_MIN_LABELED, faces / 4));
    }

    /** Topic mode, every face shadowed, the rule's looks at a quarter, half, all and twice the replay. */
    static List<String> properties(long faces, List<String> overrides) {
        long min = minLabeled(faces);
        List<String> p = new ArrayList<>(List.of(AppConfig.MODEL_SOURCE + "=" + AppConfig.SOURCE_TOPIC,
                AppConfig.SHADOW_SHARE + "=1", AppConfig.ROLLOUT_MIN_LABELED + "=" + min,
                AppConfig.ROLLOUT_MAX_LABELED + "=" + 8 * min));
        p.addAll(overrides); // the user's -p wins
        return p;
    }

    private final EmotionStreamsApp app;
    private final ModelPublisher.Result published;
    private final RolloutRule rule;

    DemoRollout(EmotionStreamsApp app, ModelPublisher.Result published, RolloutSettings settings) {
        this.app = app;
        this.published = published;
        this.rule = settings.rule();
    }

    String rule() {
        long[] looks = rule.looks();
        StringBuilder at = new StringBuilder();
        for (long n : looks) {
            at.append(at.length() == 0 ? "" : ", ").append(n);
        }
        return String.format(Locale.ROOT, "rule: McNemar exact p < %.3g at %s labeled frames", rule.alphaPerLook(), at);
    }

    /** Until the app shadows the challenger, so the replay's first faces are compared too. */
    void awaitShadowing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (app.models().lineup().challenger() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app did not take challenger " + published.version() + " within "
                        + timeout.toSeconds() + " s; see its log");
            }
            Thread.sleep(50);
        }
    }

    /** The decision's line, waiting up to {@code timeout} for it; or why there is none yet. */
    String awaitDecision(Duration timeout) throws InterruptedException {
        String rolloutId = published.after().rollout().id();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<RolloutState.Entry> decision = app.rolloutView().flatMap(v -> decision(v, rolloutId));
            if (decision.isPresent()) {
                RolloutState.Entry e = decision.get();
                RolloutEvidence ev = e.evidence();
                String figures = ev == null ? "" : String.format(Locale.ROOT,
                        " [labeled %d: challenger alone right %d, champion alone %d, p = %.3g; agreement %.3f]",
                        ev.getLabeled(), ev.getChallengerOnly(), ev.getChampionOnly(), ev.getPValue(),
                        ev.getShadowed() == 0 ? 0.0 : (double) ev.getAgreed() / ev.getShadowed());
                return "rollout: " + e.action() + " " + e.version() + " by " + e.decidedBy() + ": " + e.reason()
                        + figures;
            }
            if (System.nanoTime() > deadline) {
                return "rollout: no decision yet for " + published.version() + " (" + rolloutId + "); the rule needs "
                        + rule.minLabeled() + " labeled frames classified by both; replay more faces or see the "
                        + "dashboard";
            }
            Thread.sleep(200);
        }
    }

    private static Optional<RolloutState.Entry> decision(RolloutView view, String rolloutId) {
        return view.history().stream().filter(e -> e.accepted() && rolloutId.equals(e.rollout())).findFirst();
    }
}
