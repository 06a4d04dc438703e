package dev.emostream.trainer.train;

import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.NetworkUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("WeightAverage")
class WeightAverageTest {

    private static final int SIZE = 16;

    @TempDir
    Path dir;

    private static ComputationGraph net(long seed) {
        return net(seed, new Adam(1e-3));
    }

    private static ComputationGraph net(long seed, IUpdater updater) {
        ResNetSpec spec = new ResNetSpec(8, 3, 1, false, new int[]{8, 16}, new int[]{1, 1}, 0);
        return ResNetFactory.build(spec, SIZE, updater, 0.01, null, WorkspaceMode.ENABLED, seed);
    }

    private static DataSet batch(long seed, double shift) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(new long[]{8, 1, SIZE, SIZE}).addi(shift);
        INDArray y = Nd4j.zeros(8, 7);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 7, 1);
        }
        return new DataSet(x, y);
    }

    private static Map<String, INDArray> params(ComputationGraph net, boolean statistics) {
        return net.paramTable().entrySet().stream()
                .filter(e -> isStatistic(e.getKey()) == statistics)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().dup()));
    }

    private static boolean isStatistic(String param) {
        return param.endsWith("_mean") || param.endsWith("_var") || param.endsWith("_log10stdev");
    }

    private static void measure(ComputationGraph net, DataSet... batches) {
        Iterator<DataSet> it = List.of(batches).iterator();
        WeightAverage.measureBatchNormStatistics(net, () -> it.next().copy(), batches.length);
    }

    @Test
    @DisplayName("the average is the mean of the networks added, and survives a save and load")
    void meanOfAdded() throws Exception {
        WeightAverage average = new WeightAverage();
        INDArray a = net(1).params().dup();
        INDArray b = net(2).params().dup();
        INDArray c = net(3).params().dup();
        average.add(a);
        average.add(b);
        average.add(c);
        average.save(dir);

        WeightAverage loaded = WeightAverage.load(dir, average.count());
        INDArray expected = a.add(b).addi(c).divi(3);
        assertThat(loaded.count()).isEqualTo(3);
        assertThat(loaded.mean().sub(expected).amaxNumber().doubleValue()).isLessThan(1e-6);
    }

    @Test
    @DisplayName("measuring batch-norm statistics moves only them, to the plain mean over the batches")
    void statisticsOnly() {
        DataSet first = batch(11, 0);
        DataSet second = batch(12, 2);
        ComputationGraph onFirst = net(5, new Sgd(0.0));
        measure(onFirst, first);
        ComputationGraph onSecond = net(5, new Sgd(0.0));
        measure(onSecond, second);
        ComputationGraph onBoth = net(5, new Sgd(0.0));
        Map<String, INDArray> weightsBefore = params(onBoth, false);
        measure(onBoth, first, second);

        params(onBoth, false).forEach((name, w) ->
                assertThat(w.equalsWithEps(weightsBefore.get(name), 0)).as("weights %s unchanged", name).isTrue());
        Map<String, INDArray> both = params(onBoth, true);
        int means = 0;
        for (Map.Entry<String, INDArray> e : both.entrySet()) {
            if (e.getKey().endsWith("_mean")) {
                INDArray expected = onFirst.getParam(e.getKey()).add(onSecond.getParam(e.getKey())).divi(2);
                assertThat(e.getValue().equalsWithEps(expected, 1e-4)).as("%s: %s vs %s", e.getKey(), e.getValue(),
                        expected).isTrue();
                means++;
            }
        }
        assertThat(means).isGreaterThan(2);
    }

    @Test
    @DisplayName("the averaged model is a copy: the trained network keeps its learning rate and statistics")
    void trainedNetworkUntouched() {
        ComputationGraph trained = net(7);
        NetworkUtils.setLearningRate(trained, 1e-3);
        WeightAverage average = new WeightAverage();
        average.add(trained.params());
        Map<String, INDArray> statistics = params(trained, true);

        ComputationGraph averaged = average.model(trained, () -> batch(13, 1));

        assertThat(NetworkUtils.getLearningRate(trained, "output")).isEqualTo(1e-3);
        statistics.forEach((name, s) -> assertThat(trained.getParam(name).equalsWithEps(s, 0)).isTrue());
        Map<String, INDArray> trainedWeights = params(trained, false);
        params(averaged, false).forEach((name, w) ->
                assertThat(w.equalsWithEps(trainedWeights.get(name), 0)).as("averaged %s", name).isTrue());
        assertThat(params(averaged, true)).as("statistics measured afresh").isNotEqualTo(statistics);
    }
}
