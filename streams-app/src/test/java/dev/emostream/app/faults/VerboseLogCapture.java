package dev.emostream.app.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Captures, while open, everything logged in this JVM with the given loggers turned up (e.g. Kafka's to INFO, where
 * every client, Streams and the broker print their configuration), so a test can search the whole log for what must
 * never be in it. The console appenders keep showing only what they showed before, so the build output stays
 * readable.
 */
final class VerboseLogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<Logger, Level> previousLevels = new HashMap<>();
    private final Map<Appender<ILoggingEvent>, List<Filter<ILoggingEvent>>> previousFilters = new HashMap<>();

    VerboseLogCapture(Map<String, Level> levels) {
        Map<String, Level> shownBefore = new HashMap<>();
        levels.forEach((name, level) -> {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            previousLevels.put(logger, logger.getLevel());
            shownBefore.put(name, logger.getEffectiveLevel());
        });
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> console = it.next();
            previousFilters.put(console, console.getCopyOfAttachedFiltersList());
            Filter<ILoggingEvent> asBefore = new OnlyWhatWasShownBefore(shownBefore);
            asBefore.start();
            console.addFilter(asBefore);
        }
        levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
        appender.start();
        root.addAppender(appender);
    }

    /** Every event so far: level, logger, message, then each exception of its cause chain with its message. */
    String text() {
        List<ILoggingEvent> events;
        // AppenderBase.doAppend holds the appender's lock while adding
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        StringBuilder out = new StringBuilder();
        for (ILoggingEvent e : events) {
            out.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ")
                    .append(e.getFormattedMessage()).append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                out.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    int events() {
        synchronized (appender) {
            return appender.list.size();
        }
    }

    /** Denies what the console would not have shown before the levels were raised. */
    private static final class OnlyWhatWasShownBefore extends Filter<ILoggingEvent> {
        private final Map<String, Level> shownBefore;

        OnlyWhatWasShownBefore(Map<String, Level> shownBefore) {
            this.shownBefore = shownBefore;
        }

        @Override
        public FilterReply decide(ILoggingEvent event) {
            String name = event.getLoggerName();
            String closest = null;
            for (String raised : shownBefore.keySet()) {
                if ((name.equals(raised) || name.startsWith(raised + "."))
                        && (closest == null || raised.length() > closest.length())) {
                    closest = raised;
                }
            }
            return closest != null && !event.getLevel().isGreaterOrEqual(shownBefore.get(closest))
                    ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        previousLevels.forEach(Logger::setLevel);
        previousFilters.forEach((console, filters) -> {
            console.clearAllFilters();
            filters.forEach(console::addFilter);
        });
    }
}
