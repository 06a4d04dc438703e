package dev.emostream.trainer.net;

import dev.emostream.model.Emotion;
import dev.emostream.model.engine.OneDnnHelpers;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

/** Builds a DL4J {@link ComputationGraph} for a {@link ResNetSpec}. */
public final class ResNetFactory {

    private ResNetFactory() {
    }

    /**
     * A network with a softmax classifier.
     *
     * @param classWeights per-class loss weights in Kaggle order, or null for none
     * @param weightDecay  decoupled weight decay (AdamW style, scaled by the learning rate); 0 for none
     */
    public static ComputationGraph build(ResNetSpec spec, int inputSize, IUpdater updater, double weightDecay,
                                         double[] classWeights, WorkspaceMode workspaces, long seed) {
        return buildWithHead(spec, inputSize, updater, weightDecay, OutputHead.softmax(classWeights), workspaces, seed);
    }

    /** A network whose classifier layer has {@code head}'s activation and loss. */
    public static ComputationGraph buildWithHead(ResNetSpec spec, int inputSize, IUpdater updater, double weightDecay,
                                                 OutputHead head, WorkspaceMode workspaces, long seed) {
        OneDnnHelpers.enableByDefault();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(workspaces)
                .inferenceWorkspaceMode(workspaces);
        if (weightDecay > 0) {
            base.weightDecay(weightDecay, true);
        }
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(inputSize, inputSize, 1));

        String last = convBn(g, "stem", "input", spec.stemChannels(), spec.stemKernel(), spec.stemStride(), true);
        if (spec.stemPool()) {
            g.addLayer("stem_pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2).build(), last);
            last = "stem_pool";
        }
        int channels = spec.stemChannels();
        for (int s = 0; s < spec.widths().length; s++) {
            for (int b = 0; b < spec.blocks()[s]; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                last = basicBlock(g, "s" + s + "b" + b, last, channels, spec.widths()[s], stride);
                channels = spec.widths()[s];
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        OutputLayer.Builder out = new OutputLayer.Builder(head.loss())
                .nOut(Emotion.COUNT)
                .activation(head.activation())
                .weightInit(WeightInit.XAVIER);
        if (spec.dropout() > 0) {
            out.dropOut(1 - spec.dropout()); // DL4J's dropOut takes the probability of keeping an activation
        }
        g.addLayer("output", out.build(), "pool");
        g.setOutputs("output");

        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static String basicBlock(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                     int inChannels, int outChannels, int stride) {
        String a = convBn(g, name + "_a", in, outChannels, 3, stride, true);
        String b = convBn(g, name + "_b", a, outChannels, 3, 1, false);
        String shortcut = in;
        if (stride != 1 || inChannels != outChannels) {
            shortcut = convBn(g, name + "_proj", in, outChannels, 1, stride, false);
        }
        g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), b, shortcut);
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
        return name + "_relu";
    }

    /** Convolution without bias (batch norm's shift replaces it), batch norm, optional ReLU. */
    private static String convBn(ComputationGraphConfiguration.GraphBuilder g, String name, String in,
                                 int channels, int kernel, int stride, boolean relu) {
        g.addLayer(name + "_conv", new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride)
                .nOut(channels).hasBias(false).activation(Activation.IDENTITY).build(), in);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name + "_conv");
        if (!relu) {
            return name + "_bn";
        }
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }
}
