package dev.emostream.app.model;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model currently serving. The {@link ModelWatcher} stages a new one with {@link #swap}; the classifier
 * processors read {@link #current()} once per batch, so a batch is classified by one version from start to end
 * and the next batch picks up the new one. One holder per application instance, passed to the topology: no
 * static state, so several apps (or tests) in one JVM do not see each other's models.
 */
public final class ModelHolder {

    private final AtomicReference<ServingModel> current;

    public ModelHolder(ServingModel initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial model"));
    }

    public ServingModel current() {
        return current.get();
    }

    /** Serves {@code next} from the next batch on; returns the model it replaces. */
    public ServingModel swap(ServingModel next) {
        return current.getAndSet(Objects.requireNonNull(next, "model"));
    }
}
