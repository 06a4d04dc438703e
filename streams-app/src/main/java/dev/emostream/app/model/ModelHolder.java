package dev.emostream.app.model;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The models in service: the champion, whose events go to {@code emotions}, and, during a rollout, a challenger
 * classified beside it (shadowed). The {@link ModelWatcher} (folder mode) stages a new champion with {@link #swap}; the
 * rollout follower (topic mode) sets the whole {@link Lineup} with {@link #serve}. The classifier processors read
 * {@link #lineup()} once per batch, so a batch is classified by one lineup from start to end and the next batch picks
 * up the new one. One holder per application instance, passed to the topology: no static state, so several apps (or
 * tests) in one JVM do not see each other's models.
 */
public final class ModelHolder {

    private final AtomicReference<Lineup> lineup;

    public ModelHolder(ServingModel initial) {
        this.lineup = new AtomicReference<>(new Lineup(Objects.requireNonNull(initial, "initial model"), null));
    }

    /** The champion. */
    public ServingModel current() {
        return lineup.get().champion();
    }

    /** The champion and the challenger, if any, as one consistent pair. */
    public Lineup lineup() {
        return lineup.get();
    }

    /** Serves {@code next} from the next batch on, with no challenger; returns the champion it replaces. */
    public ServingModel swap(ServingModel next) {
        return lineup.getAndSet(new Lineup(Objects.requireNonNull(next, "model"), null)).champion();
    }

    /** Serves {@code next} from the next batch on; returns the lineup it replaces. */
    public Lineup serve(Lineup next) {
        return lineup.getAndSet(Objects.requireNonNull(next, "lineup"));
    }
}
