package dev.emostream.trainer.train;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Stochastic weight averaging (Izmailov et al., 2018): the running mean of the weights at the end of each epoch of
 * a constant-rate phase, a flatter point than any one of them. The mean's batch-norm statistics belong to none of
 * the averaged networks, so {@link #model} measures them afresh on training batches.
 */
public final class WeightAverage {

    public static final String FILE = "weight-average.bin";
    /** Batches the batch-norm statistics are measured on: 6,400 augmented faces at batch 64. */
    static final int STATISTICS_BATCHES = 100;

    private INDArray mean;
    private int count;

    public void add(INDArray params) {
        if (mean == null) {
            mean = params.dup();
        } else {
            mean.addi(params.sub(mean).divi(count + 1));
        }
        count++;
    }

    public int count() {
        return count;
    }

    INDArray mean() {
        return mean;
    }

    /** A network like {@code net} carrying the mean weights, its batch-norm statistics measured on {@code batches}. */
    public ComputationGraph model(ComputationGraph net, Supplier<DataSet> batches) {
        ComputationGraph averaged = NetworkCopies.rebuild(net, mean, conf -> {
            for (GraphVertex vertex : conf.getVertices().values()) {
                if (vertex instanceof LayerVertex layer && layer.getLayerConf().getLayer() instanceof BaseLayer base) {
                    // plain SGD at rate 0 moves no weight (DL4J's Adam takes a step of epsilon at rate 0)
                    base.setIUpdater(new Sgd(0.0));
                }
            }
        });
        measureBatchNormStatistics(averaged, batches, STATISTICS_BATCHES);
        return averaged;
    }

    /**
     * DL4J moves batch-norm running statistics in the update step, not in the forward pass, so this fits the
     * network on {@code steps} batches: with an updater that moves no weight, only the statistics change. The decay
     * k/(k+1) at step k makes them the plain mean over the batches, as PyTorch's {@code update_bn} does.
     */
    static void measureBatchNormStatistics(ComputationGraph net, Supplier<DataSet> batches, int steps) {
        List<BatchNormalization> layers = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BatchNormalization bn) {
                layers.add(bn);
            }
        }
        double[] decay = layers.stream().mapToDouble(BatchNormalization::getDecay).toArray();
        for (int k = 0; k < steps; k++) {
            for (BatchNormalization bn : layers) {
                bn.setDecay(k / (k + 1.0));
            }
            Trainer.fitAndRelease(net, batches.get());
        }
        for (int i = 0; i < decay.length; i++) {
            layers.get(i).setDecay(decay[i]);
        }
    }

    public void save(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Nd4j.saveBinary(mean, tmp.toFile());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The average a resumed run continues; {@code count} comes from the training state. */
    public static WeightAverage load(Path dir, int count) throws IOException {
        WeightAverage average = new WeightAverage();
        if (count > 0) {
            average.mean = Nd4j.readBinary(dir.resolve(FILE).toFile());
            average.count = count;
        }
        return average;
    }
}
