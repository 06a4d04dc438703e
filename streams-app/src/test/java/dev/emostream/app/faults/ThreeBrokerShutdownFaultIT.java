package dev.emostream.app.faults;


import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Issue 30: one broker of three goes away for good mid-replay, cleanly (SIGTERM) or hard (SIGKILL), whichever broker
 * leads the input, leads {@code emotions}, coordinates the app's transactions or is the active controller; the app
 * (one instance) goes on with two. One cluster for the class; the stopped broker is started again between
 * scenarios.
 */
@DisplayName("three brokers: one shut down for good")
class ThreeBrokerShutdownFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerShutdownFaultIT.class);

    @RegisterExtension
    static final ThreeBrokerEnvironment env = new ThreeBrokerEnvironment();

    @ParameterizedTest(name = "{1} shutdown of the {0}")
    @MethodSource("dev.emostream.app.faults.BrokerRole#withEachStop")
    @DisplayName("the app goes on with two brokers: every frame id once on emotions, accuracy counts equal the "
            + "frames' labels, nothing valid dead-lettered; every topic replicated three times, min ISR 2")
    void oneBrokerGone(BrokerRole role, BrokerStop stop) throws Exception {
        try (ClusterReplay replay = env.replay("sd-" + role.slug() + "-" + stop.slug(), 1)) {
            replay.assertReplicated();
            int target = role.find(env.cluster(), replay);
            LOG.info("{} shutdown of the {}: broker {} after {} events", stop, role, target, replay.events());
            stop.apply(env.cluster().node(target));
            replay.finish(stop + " shutdown of the " + role);
        }
    }
}
