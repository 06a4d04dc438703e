package dev.emostream.app.rollout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.app.metrics.AppMetrics;
import dev.emostream.app.model.Lineup;
import dev.emostream.app.model.ModelHolder;
import dev.emostream.app.model.ModelLoader;
import dev.emostream.app.model.ServingModel;
import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.schemas.ModelControl;
import dev.emostream.schemas.RolloutRecord;
import dev.emostream.schemas.registry.SchemaRegistryClient;

/**
 * Topic mode: follows the control topic on a thread of its own and keeps the {@link ModelHolder} on what it says.
 * At start it reads the topic to its end before the app starts classifying ({@link #caughtUp()}), so an instance that
 * starts or restarts after a promotion serves the promoted version from its first frame. An artifact is verified
 * (checksum, then loaded and checked as at start) before a record may put it in service, off the stream threads; a
 * record that fails is refused with one log line and the models in service stay. docs/ARCHITECTURE.md, "Model
 * rollout".
 */
public final class RolloutFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration ADMIN_WAIT = Duration.ofSeconds(10);

    private final RolloutSettings settings;
    private final ModelHolder holder;
    private final ModelLoader loader;
    private final AppMetrics metrics;
    private final Properties consumerProperties;
    private final SchemaRegistryClient registry;
    private final String clientId;
    private final Path artifactFolder;
    private final ServingModel initial;
    private final String initialSha;
    /** Loaded models by checksum: what the state may serve (pruned after each record), plus the initial one. */
    private final Map<String, ServingModel> loaded = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile RolloutView view;
    private volatile boolean closed;
    private volatile ControlReader reader;
    private Thread thread;
    private String servedChampionSha;
    private String servedRolloutId;

    /**
     * @param initial    the model loaded from {@code model.path}, serving until the topic names a champion
     * @param initialSha its artifact's checksum: a topic artifact with the same bytes reuses it
     */
    public RolloutFollower(RolloutSettings settings, ModelHolder holder, ModelLoader loader, AppMetrics metrics,
                           Properties consumerProperties, SchemaRegistryClient registry, String clientId,
                           Path artifactFolder, ServingModel initial, String initialSha) {
        this.settings = settings;
        this.holder = holder;
        this.loader = loader;
        this.metrics = metrics;
        this.consumerProperties = consumerProperties;
        this.registry = registry;
        this.clientId = clientId;
        this.artifactFolder = artifactFolder;
        this.initial = initial;
        this.initialSha = initialSha;
        this.loaded.put(initialSha, initial);
    }

    public synchronized RolloutFollower start() {
        if (thread == null) {
            thread = new Thread(this::run, "rollout-follower");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /** Completes once the topic has been read to the end it had at start and the lineup set from it. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    /** What the topic says now; null until caught up. */
    public RolloutView view() {
        return view;
    }

    private void run() {
        ControlLog log = new ControlLog(artifactFolder, this::verify);
        ControlReader.Listener listener = new ControlReader.Listener() {
            @Override
            public void applied(long offset, ModelControl record) {
                if (record.getPayload() instanceof RolloutRecord r) {
                    LOG.info("control record {}: {} {} ({}: {})", offset, r.getAction(), r.getVersion(),
                            r.getDecidedBy(), r.getReason());
                }
                prune(log.state());
            }

            @Override
            public void refused(long offset, String reason) {
                metrics.rolloutRefused();
                LOG.warn("refused control record {}: {}; still serving {}", offset, reason, holder.lineup().champion()
                        .version());
                prune(log.state());
            }
        };
        long end = -1;
        long lastWarnMs = 0;
        boolean unserved = false; // records applied since the lineup was last set (kept across a failed serve)
        try (ControlReader reader = new ControlReader(ControlTopic.consumer(consumerProperties, clientId), registry,
                settings.controlTopic(), log, listener)) {
            this.reader = reader;
            while (!closed) {
                try {
                    if (!caughtUp.isDone() && end < 0) {
                        end = reader.endOffset(ADMIN_WAIT);
                        LOG.info("reading control topic {} to offset {} before serving", settings.controlTopic(), end);
                    }
                    unserved |= reader.poll(Duration.ofMillis(caughtUp.isDone() ? 500 : 100));
                    if (!caughtUp.isDone()) {
                        if (reader.position(ADMIN_WAIT) >= end) {
                            serve(log);
                            unserved = false;
                            caughtUp.complete(null);
                            LOG.info("control topic {} read; {}", settings.controlTopic(), log.state());
                        }
                    } else if (unserved) {
                        serve(log);
                        unserved = false;
                    }
                } catch (RuntimeException e) {
                    // the broker or registry unreachable, or a record that fails to apply: the record is read again;
                    // or close() woke the consumer up
                    if (closed) {
                        break;
                    }
                    long now = System.currentTimeMillis();
                    if (now - lastWarnMs > 30_000) {
                        LOG.warn("control topic {}: {}; retrying every {} s", settings.controlTopic(), e.getMessage(),
                                RETRY.toSeconds());
                        lastWarnMs = now;
                    }
                    sleep(RETRY);
                }
            }
        } catch (RuntimeException | Error e) {
            // an Error too (a model load out of memory): logged, and a start waiting for the topic fails instead of hanging
            if (!closed) {
                LOG.error("rollout follower stopped: {}", e.toString(), e);
                caughtUp.completeExceptionally(e);
            }
        }
    }

    /** The artifact loaded as it will serve; kept until the state no longer needs it. */
    private String verify(ArtifactChunks.Published artifact) throws ModelArtifactException {
        ServingModel model = loaded.get(artifact.sha256());
        if (model == null) {
            model = loader.load(artifact.file(), origin(artifact.sha256()));
            loaded.put(artifact.sha256(), model);
        }
        return model.version();
    }

    /** Sets the lineup the state names, when it changed. */
    private void serve(ControlLog log) {
        RolloutState state = log.state();
        view = RolloutView.of(settings.controlTopic(), log, settings.shadowShare());
        String championSha = state.champion() == null ? initialSha : state.champion().sha256();
        RolloutState.Rollout rollout = state.rollout();
        String rolloutId = rollout == null ? null : rollout.id();
        if (championSha.equals(servedChampionSha) && java.util.Objects.equals(rolloutId, servedRolloutId)) {
            return;
        }
        ServingModel champion = state.champion() == null ? initial : model(log, state.champion());
        Lineup.Challenger challenger = rollout == null ? null : new Lineup.Challenger(model(log, rollout.challenger()),
                rollout.id(), rollout.challenger().sha256(), rollout.started().toEpochMilli(), settings.shadowShare(),
                settings.shadowYield());
        Lineup before = holder.serve(new Lineup(champion, challenger));
        if (!championSha.equals(servedChampionSha)) {
            if (state.champion() == null) {
                LOG.info("control topic {} names no champion yet: serving {} from {}", settings.controlTopic(),
                        champion.version(), champion.origin());
            } else if (before.champion() == champion) {
                LOG.info("control topic {} names {} champion, the model already serving", settings.controlTopic(),
                        champion.version());
            } else {
                LOG.info("serving model {} from control topic {} (was {})", champion.version(), settings.controlTopic(),
                        before.champion().version());
            }
        }
        if (challenger != null && !rolloutId.equals(servedRolloutId)) {
            LOG.info("{}: shadowing {} on {}% of the frames beside {}", rolloutId, challenger.model().version(),
                    Math.round(100 * challenger.share()), champion.version());
        } else if (challenger == null && servedRolloutId != null) {
            LOG.info("{} over: no challenger", servedRolloutId);
        }
        servedChampionSha = championSha;
        servedRolloutId = rolloutId;
    }

    private ServingModel model(ControlLog log, RolloutState.Version v) {
        return loaded.computeIfAbsent(v.sha256(), sha -> {
            try {
                return loader.load(log.artifact(v).file(), origin(sha));
            } catch (ModelArtifactException e) {
                // verified when its record was applied; a file that fails now was changed under us
                throw new IllegalStateException("artifact " + v.version() + " failed to load again: " + e.getMessage(), e);
            }
        });
    }

    /** Keeps the models the state may serve (and the initial one); a rolled-back champion is loaded again. */
    private void prune(RolloutState state) {
        Set<String> keep = new HashSet<>();
        keep.add(initialSha);
        if (state.champion() != null) {
            keep.add(state.champion().sha256());
        }
        if (state.rollout() != null) {
            keep.add(state.rollout().challenger().sha256());
        }
        loaded.keySet().retainAll(keep);
    }

    private String origin(String sha) {
        return "control topic " + settings.controlTopic() + " (sha256 " + ArtifactChunks.shortSha(sha) + ")";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        ControlReader r = reader;
        if (r != null) {
            r.wakeup(); // not an interrupt: the consumer's close would log the interrupted fetch-session close as an error
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
