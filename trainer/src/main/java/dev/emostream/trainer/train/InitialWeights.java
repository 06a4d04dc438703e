package dev.emostream.trainer.train;

import java.util.Arrays;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import dev.emostream.model.artifact.ModelArtifact;

/**
 * Starts a new run from a trained artifact's weights (batch-norm statistics included) instead of random ones, e.g. a
 * student that begins as a teacher of its own shape. The network must match layer for layer; the classifier's loss
 * may differ (a softmax head and a distillation head hold the same weights). The optimizer state starts fresh.
 */
final class InitialWeights {

    private InitialWeights() {
    }

    /** Copies every parameter of {@code source}'s one network into {@code net}; refuses any mismatch in one line. */
    static void copy(ModelArtifact source, ComputationGraph net) {
        String name = source.metadata().version();
        if (source.networks().size() != 1) {
            throw new IllegalArgumentException("--init " + name + " is an ensemble of " + source.networks().size()
                    + " networks; start from one network");
        }
        ComputationGraph from = source.networks().get(0);
        if (from.getLayers().length != net.getLayers().length) {
            throw new IllegalArgumentException("--init " + name + " has " + from.getLayers().length + " layers, this "
                    + "run's network " + net.getLayers().length + ": train with its --arch");
        }
        for (Layer layer : net.getLayers()) {
            String layerName = layer.conf().getLayer().getLayerName();
            Layer other = from.getLayer(layerName);
            Map<String, INDArray> params = layer.paramTable();
            Map<String, INDArray> given = other == null ? Map.of() : other.paramTable();
            if (!params.keySet().equals(given.keySet())) {
                throw new IllegalArgumentException("--init " + name + ": layer " + layerName + " has parameters "
                        + given.keySet() + " where this run's network has " + params.keySet()
                        + ": train with its --arch");
            }
            for (Map.Entry<String, INDArray> p : params.entrySet()) {
                INDArray value = given.get(p.getKey());
                if (!Arrays.equals(value.shape(), p.getValue().shape())) {
                    throw new IllegalArgumentException("--init " + name + ": " + layerName + "." + p.getKey()
                            + " is " + Arrays.toString(value.shape()) + " where this run's network has "
                            + Arrays.toString(p.getValue().shape()) + ": train with its --arch");
                }
                p.getValue().assign(value);
            }
        }
    }
}
