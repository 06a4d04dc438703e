package dev.emostream.app.demo;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * The demo's console is for the demo: the in-process broker's own log (controller activation, transient produce
 * retries that its clients recover from) would bury the progress line. Only errors of the Kafka clients and
 * Streams stay; {@code EMOSTREAM_LOG_LEVEL=DEBUG} (or any level) leaves every logger as configured.
 */
final class DemoLogging {

    private DemoLogging() {
    }

    static void quietInfrastructure() {
        if (System.getenv("EMOSTREAM_LOG_LEVEL") != null) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context)) {
            return;
        }
        set(context, "kafka", Level.OFF);                 // the broker (Scala packages)
        set(context, "state.change.logger", Level.OFF);
        set(context, "org.apache.kafka", Level.ERROR);    // controller, raft, clients, Streams
    }

    private static void set(ch.qos.logback.classic.LoggerContext context, String name, Level level) {
        Logger logger = context.getLogger(name);
        logger.setLevel(level);
    }
}
