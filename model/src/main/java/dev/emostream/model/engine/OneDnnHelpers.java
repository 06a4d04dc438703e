package dev.emostream.model.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.LayerHelper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Switches DL4J's oneDNN layer helpers on, which makes convolution and batch norm 4-9x faster on CPUs.
 *
 * <p>DL4J 1.0.0-M2.1 creates a layer's helper only when the system property {@value #DISABLE_PROPERTY} is
 * {@code false}; its default ({@code DL4JSystemProperties.HELPER_DISABLE_DEFAULT_VALUE}) is {@code true}. The property
 * is read when a layer is instantiated (a network built, restored or cloned), so {@link #enableByDefault()} must run
 * before that: {@code ModelArtifact} and the trainer's network factory call it. An explicit
 * {@code -D}{@value #DISABLE_PROPERTY}{@code =true} keeps the built-in path, as does ND4J's plain native build (no
 * oneDNN in it). The helpers' availability check needs {@link org.nd4j.nativeblas.Nd4jCpu}, too.
 */
public final class OneDnnHelpers {

    public static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

    private OneDnnHelpers() {
    }

    /** Turns the helpers on for every network built from now on, unless the user chose otherwise. */
    public static void enableByDefault() {
        if (System.getProperty(DISABLE_PROPERTY) == null) {
            System.setProperty(DISABLE_PROPERTY, "false");
        }
    }

    /** Whether the native build in use has oneDNN (the {@code linux-x86_64-onednn} classifier of nd4j-native). */
    public static boolean nativeBuildHasOneDnn() {
        return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }

    /** "onednn" or "plain": which nd4j-native build is loaded. */
    public static String nativeBuild() {
        return nativeBuildHasOneDnn() ? "onednn" : "plain";
    }

    /**
     * Builds (or restores, or clones) a network with the helpers on or off, whatever the default. For side-by-side
     * comparisons of the two paths in one process; the property is restored afterwards.
     */
    public static synchronized <T> T build(boolean helpers, Supplier<T> builder) {
        String before = System.getProperty(DISABLE_PROPERTY);
        System.setProperty(DISABLE_PROPERTY, Boolean.toString(!helpers));
        try {
            return builder.get();
        } finally {
            if (before == null) {
                System.clearProperty(DISABLE_PROPERTY);
            } else {
                System.setProperty(DISABLE_PROPERTY, before);
            }
        }
    }

    /** Layer name to the simple name of its helper class, for the layers that have one. */
    public static Map<String, String> helpersOf(ComputationGraph network) {
        Map<String, String> helpers = new LinkedHashMap<>();
        for (Layer layer : network.getLayers()) {
            LayerHelper helper = layer.getHelper();
            if (helper != null) {
                helpers.put(layer.getConfig().getLayerName(), helper.getClass().getSimpleName());
            }
        }
        return helpers;
    }
}
