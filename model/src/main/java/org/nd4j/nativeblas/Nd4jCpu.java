package org.nd4j.nativeblas;

/**
 * A stand-in under the class name DL4J 1.0.0-M2.1 still looks for, so that its oneDNN layer helpers can engage.
 *
 * <p>{@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} loads
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection and calls {@code getInstance().isUseMKLDNN()}; ND4J
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method
 * {@code isUseONEDNN()}. Without this class the lookup throws, {@code BaseMKLDNNHelper.FAILED_CHECK} is set, and every
 * conv and batch-norm helper is dropped as "not supported". This answers with the real environment's value, so on the
 * plain native build (no oneDNN) the helpers still stay off. See docs/ARCHITECTURE.md, "The engine".
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The one method DL4J calls, delegating to ND4J's real environment. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
