package dev.emostream.app.faults;

/** How a broker goes away: a clean shutdown (SIGTERM: controlled shutdown, leadership handed over) or a hard one. */
enum BrokerStop {

    CLEAN("clean"),
    /** SIGKILL: no controlled shutdown; the controller notices when the broker's session expires (9 s by default). */
    HARD("hard");

    private final String description;

    BrokerStop(String description) {
        this.description = description;
    }

    void apply(RestartableBroker broker) throws InterruptedException {
        if (this == CLEAN) {
            broker.stop();
        } else {
            broker.kill();
        }
    }

    String slug() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
