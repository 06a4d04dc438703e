package dev.emostream.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emostream.model.Emotion;
import dev.emostream.model.engine.OneDnnHelpers;
import dev.emostream.model.preprocess.FacePreprocessor;
import dev.emostream.model.preprocess.PreprocessingRecipe;
import dev.emostream.trainer.data.Augmentation;
import dev.emostream.trainer.data.Augmenter;
import dev.emostream.trainer.data.FaceDataset;
import dev.emostream.trainer.net.ResNetFactory;
import dev.emostream.trainer.net.ResNetSpec;
import dev.emostream.trainer.report.MachineInfo;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures training and inference images/s of an architecture on real faces, and checks that "
                + "this build still learns correctly (repeated gradients on one batch agree; the loss falls).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "CSV", description = "Labeled FER2013 CSV to draw faces from.")
    Path data;
    @Option(names = "--arch", defaultValue = "light", description = "light | resnet34 (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--crop", defaultValue = "40", description = "Input crop (default: ${DEFAULT-VALUE}).")
    int crop;
    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--iterations", defaultValue = "20", description = "Timed training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--workspaces", defaultValue = "ENABLED", description = "DL4J workspace mode: ENABLED | NONE (default: ${DEFAULT-VALUE}).")
    WorkspaceMode workspaces;
    @Option(names = "--label", defaultValue = "", description = "Free text naming the setup, echoed in the JSON line.")
    String label;

    @Override
    public Integer call() throws Exception {
        ResNetSpec spec = "resnet34".equals(arch) ? ResNetSpec.resnet34() : ResNetSpec.light();
        FacePreprocessor pre = new FacePreprocessor(PreprocessingRecipe.fer2013(crop));
        FaceDataset faces = FaceDataset.read(data, pre);
        ComputationGraph net = ResNetFactory.build(spec, crop, new Adam(1e-3), 0, null, workspaces, 7);
        Augmenter aug = new Augmenter(pre, new Augmentation(true, 10, 0.1, 0, 0), 7);
        int len = crop * crop;
        int batches = Math.min(iterations + 2, faces.size() / batch);
        DataSet[] sets = new DataSet[batches];
        for (int s = 0; s < batches; s++) {
            float[] x = new float[batch * len];
            float[] y = new float[batch * Emotion.COUNT];
            for (int k = 0; k < batch; k++) {
                int i = s * batch + k;
                aug.write(faces.face(i), x, k * len);
                y[k * Emotion.COUNT + faces.label(i)] = 1;
            }
            sets[s] = new DataSet(Nd4j.create(x, new long[]{batch, 1, crop, crop}, 'c'), Nd4j.create(y, new long[]{batch, 7}, 'c'));
        }
        // Repeated gradients on one batch must agree: DESIGN.md notes a build whose did not. Dropout is
        // random by design, so the check runs on the same layout without it.
        ResNetSpec noDropout = new ResNetSpec(spec.stemChannels(), spec.stemKernel(), spec.stemStride(), spec.stemPool(),
                spec.widths(), spec.blocks(), 0);
        double gradientDiff = gradientDisagreement(ResNetFactory.build(noDropout, crop, new Adam(1e-3), 0, null,
                workspaces, 7), sets[0]);

        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        net.fit(sets[0]);
        net.fit(sets[1]);
        long start = System.nanoTime();
        double[] perBatch = new double[batches - 2];
        for (int s = 2; s < batches; s++) {
            long t = System.nanoTime();
            net.fit(sets[s]);
            perBatch[s - 2] = (System.nanoTime() - t) / 1e9;
            if (s == 2) {
                firstLoss = net.score();
            }
            lastLoss = net.score();
            System.err.printf(Locale.ROOT, "\rtraining %d/%d  loss %.4f", s - 1, batches - 2, lastLoss);
        }
        System.err.println();
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(perBatch);
        double trainIps = batch / perBatch[perBatch.length / 2];

        INDArray probe = sets[2].getFeatures();
        for (int w = 0; w < 3; w++) {
            net.outputSingle(false, probe);
        }
        double[] inf = new double[10];
        for (int r = 0; r < inf.length; r++) {
            long t = System.nanoTime();
            net.outputSingle(false, probe);
            inf[r] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(inf);
        double inferIps = batch / inf[inf.length / 2];

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("label", label);
        result.put("arch", spec.describe());
        result.put("params", net.numParams());
        result.put("crop", crop);
        result.put("batch", batch);
        result.put("workspaces", workspaces.toString());
        result.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName() + " " + OneDnnHelpers.nativeBuild());
        result.put("oneDnnHelpers", OneDnnHelpers.helpersOf(net).size() + " of " + net.getLayers().length + " layers");
        result.put("trainImagesPerSecondMedian", Math.round(trainIps * 10) / 10.0);
        result.put("trainSeconds", Math.round(trainSeconds * 10) / 10.0);
        result.put("inferImagesPerSecondMedian", Math.round(inferIps * 10) / 10.0);
        result.put("gradientRepeatRelativeDiff", gradientDiff);
        result.put("lossFirst", firstLoss);
        result.put("lossLast", lastLoss);
        result.put("machine", MachineInfo.describe());
        System.out.println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    private static double gradientDisagreement(ComputationGraph net, DataSet set) {
        INDArray[] grads = new INDArray[2];
        for (int r = 0; r < 2; r++) {
            net.setInputs(set.getFeatures());
            net.setLabels(set.getLabels());
            net.computeGradientAndScore();
            grads[r] = net.gradient().gradient().dup();
        }
        return grads[0].sub(grads[1]).amaxNumber().doubleValue() / Math.max(1e-12, grads[0].amaxNumber().doubleValue());
    }
}
