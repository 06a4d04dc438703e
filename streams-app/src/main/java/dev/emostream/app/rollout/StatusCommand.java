package dev.emostream.app.rollout;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.emostream.app.config.AppConfig;
import dev.emostream.app.http.RolloutJson;
import dev.emostream.app.replay.KafkaOptions;
import dev.emostream.schemas.RolloutEvidence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streams-app models status}: what the control topic says, as every instance reads it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
                "Reads the control topic to its end and folds it as every instance does: the champion, the rollout "
                        + "under way, the published versions and the latest rollout records with the rule's evidence "
                        + "(and why a record was refused). The live paired counts of a rollout are on the app's "
                        + "/accuracy and dashboard.",
        })
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Option(names = "--history", paramLabel = "N", defaultValue = "10",
            description = "Rollout records to show (default: ${DEFAULT-VALUE}).")
    int history;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AppConfig config = kafka.load();
        try (ControlTopicClient client = new ControlTopicClient(config, Quiet.LISTENER)) {
            RolloutView view = RolloutView.of(client.topic(), client.read(), config.rolloutSettings().shadowShare());
            if (json) {
                Map<String, Object> body = new java.util.LinkedHashMap<>(RolloutJson.of(view, List.of()));
                body.put("published", view.published());
                out.println(JSON.writeValueAsString(body));
            } else {
                text(view, out);
            }
            out.flush();
            return 0;
        }
    }

    private void text(RolloutView view, PrintWriter out) {
        out.println("control topic " + view.topic());
        out.println("champion:   " + (view.champion() == null ? "none yet (each instance serves its model.path)"
                : view.champion().version() + " (sha256 " + ArtifactChunks.shortSha(view.champion().sha256()) + ")"));
        RolloutState.Rollout r = view.rollout();
        out.println("challenger: " + (r == null ? "none" : r.challenger().version() + " (sha256 "
                + ArtifactChunks.shortSha(r.challenger().sha256()) + "), " + r.id() + " since " + r.started()));
        if (view.previous() != null) {
            out.println("rollback to: " + view.previous().version());
        }
        out.println("published:  " + (view.published().isEmpty() ? "none" : String.join(", ", view.published().keySet())));
        List<RolloutState.Entry> all = view.history();
        if (!all.isEmpty()) {
            out.println("latest rollout records:");
        }
        for (RolloutState.Entry e : all.subList(Math.max(0, all.size() - history), all.size())) {
            out.printf(Locale.ROOT, "  %6d %s %-10s %s by %s: %s%n", e.offset(), e.time(), e.action(), e.version(),
                    e.decidedBy(), e.reason());
            RolloutEvidence ev = e.evidence();
            if (ev != null) {
                out.printf(Locale.ROOT, "         %,d labeled frames by both: both right %,d, champion only %,d, "
                                + "challenger only %,d, neither %,d; p = %.3g (needed < %.3g); agreement %.3f on %,d%n",
                        ev.getLabeled(), ev.getBothCorrect(), ev.getChampionOnly(), ev.getChallengerOnly(),
                        ev.getNeitherCorrect(), ev.getPValue(), ev.getAlpha(),
                        ev.getShadowed() == 0 ? 0.0 : (double) ev.getAgreed() / ev.getShadowed(), ev.getShadowed());
            }
            if (!e.accepted()) {
                out.println("         REFUSED: " + e.refusal());
            }
        }
    }
}
