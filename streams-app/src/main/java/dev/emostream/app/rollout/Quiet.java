package dev.emostream.app.rollout;

import dev.emostream.schemas.ModelControl;

/** The commands' listener: they report the state they fold, not each record on the way. */
final class Quiet {

    static final ControlReader.Listener LISTENER = new ControlReader.Listener() {
        @Override
        public void applied(long offset, ModelControl record) {
        }

        @Override
        public void refused(long offset, String reason) {
        }
    };

    private Quiet() {
    }
}
