package dev.emostream.app.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.emostream.model.artifact.ModelArtifactException;
import dev.emostream.model.artifact.ModelLocator;

/**
 * Watches a models folder and swaps in its newest {@code *.model.zip} whenever that changes (another file, or
 * the same file rewritten). A new artifact is loaded and verified off the stream threads, then staged in the
 * {@link ModelHolder}; the next batch uses it. An artifact that fails verification is refused with one log line
 * and not tried again until it changes; the old model keeps serving.
 *
 * <p>Polling rather than {@code WatchService}: it also works on network and container-mounted folders, where
 * file events are not delivered, and a poll every few seconds costs one directory listing.
 * {@code ModelArtifact.write} renames a finished file into place, so a poll never sees half an artifact
 * written by the trainer; a file copied in slowly by hand may be seen half-written, fails verification, and
 * is tried again when its size or time changes.
 */
public final class ModelWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

    /** What happened on one look at the folder. */
    public enum Outcome { UNCHANGED, SWAPPED, REFUSED }

    private final Path folder;
    private final ModelHolder holder;
    private final Duration interval;
    private final ModelLoader loader;
    private ScheduledExecutorService executor;
    private FileStamp seen;

    /**
     * @param initial the file the serving model was loaded from, so that it is not loaded twice; may be null
     */
    public ModelWatcher(Path folder, ModelLoader loader, ModelHolder holder, Duration interval, Path initial) {
        this.folder = folder;
        this.loader = loader;
        this.holder = holder;
        this.interval = interval;
        this.seen = initial == null ? null : FileStamp.of(initial);
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-watcher");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("watching {} for new models every {} ms", folder.toAbsolutePath(), ms);
    }

    /** Looks at the folder once now; also what the schedule runs. */
    public synchronized Outcome check() {
        Optional<Path> newest;
        try {
            newest = ModelLocator.newest(folder);
        } catch (ModelArtifactException e) {
            LOG.warn("cannot look for new models: {}", e.getMessage());
            return Outcome.UNCHANGED;
        }
        if (newest.isEmpty()) {
            return Outcome.UNCHANGED;
        }
        FileStamp stamp = FileStamp.of(newest.get());
        if (stamp.equals(seen)) {
            return Outcome.UNCHANGED;
        }
        seen = stamp;
        try {
            ServingModel next = loader.load(newest.get());
            ServingModel previous = holder.swap(next);
            LOG.info("serving model {} from {} (was {})", next.version(), next.origin(), previous.version());
            return Outcome.SWAPPED;
        } catch (ModelArtifactException | RuntimeException e) {
            LOG.warn("refused model artifact {}: {}; still serving {}", newest.get(), e.getMessage(),
                    holder.current().version());
            return Outcome.REFUSED;
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // never let one bad look end the schedule
            LOG.warn("model watcher: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private record FileStamp(Path path, long modified, long size) {
        static FileStamp of(Path p) {
            try {
                return new FileStamp(p.toAbsolutePath(), Files.getLastModifiedTime(p).toMillis(), Files.size(p));
            } catch (IOException e) {
                return new FileStamp(p.toAbsolutePath(), -1, -1);
            }
        }
    }
}
