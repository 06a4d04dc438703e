package dev.emostream.trainer.train;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Consumer;

/** New networks made from a trained one's configuration. */
public final class NetworkCopies {

    private NetworkCopies() {
    }

    /**
     * A new network with {@code net}'s configuration, changed by {@code edit}, carrying a copy of {@code params}. Made
     * from the JSON, not {@code clone()}: a clone shares its layers' updater objects with the network being trained.
     */
    public static ComputationGraph rebuild(ComputationGraph net, INDArray params,
                                           Consumer<ComputationGraphConfiguration> edit) {
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        edit.accept(conf);
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(params, true);
        return copy;
    }
}
