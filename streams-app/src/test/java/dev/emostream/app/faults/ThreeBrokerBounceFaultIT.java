package dev.emostream.app.faults;


import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Issue 30: five bounces in a row, clean or hard, of whichever broker is in the role at each bounce (leadership and
 * coordination move after each), the broker started again and back in sync before the next. Two app instances; one
 * cluster for the class.
 */
@DisplayName("three brokers: five bounces in a row")
class ThreeBrokerBounceFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThreeBrokerBounceFaultIT.class);
    private static final int BOUNCES = 5;
    private static final int INSTANCES = 2;

    @RegisterExtension
    static final ThreeBrokerEnvironment env = new ThreeBrokerEnvironment();

    @ParameterizedTest(name = "five {1} bounces of the {0}")
    @MethodSource("dev.emostream.app.faults.BrokerRole#withEachStop")
    @DisplayName("every frame id once on emotions, accuracy counts equal the frames' labels, nothing valid "
            + "dead-lettered")
    void fiveBounces(BrokerRole role, BrokerStop stop) throws Exception {
        try (ClusterReplay replay = env.replay("bn-" + role.slug() + "-" + stop.slug(), INSTANCES)) {
            for (int bounce = 1; bounce <= BOUNCES; bounce++) {
                RestartableBroker target = env.cluster().node(role.find(env.cluster(), replay));
                LOG.info("{} bounce {} of the {}: {} after {} events", stop, bounce, role, target, replay.events());
                env.cluster().bounce(target, stop);
            }
            replay.finish(BOUNCES + " " + stop + " bounces of the " + role);
        }
    }
}
