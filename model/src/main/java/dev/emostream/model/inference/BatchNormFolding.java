package dev.emostream.model.inference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inference copy of a network with every batch norm folded into the convolution before it: at inference a batch
 * norm is a per-channel affine map, so {@code W' = W * s} and {@code b' = beta + (b - mean) * s} with
 * {@code s = gamma / sqrt(var + eps)} give the same outputs up to float rounding, and a ReLU layer right after the
 * norm becomes the convolution's activation. The network on disk keeps its batch norms (training needs them).
 * A norm that is not the only reader of a plain identity-activation convolution stays as it is, with a log line.
 * Why: docs/ARCHITECTURE.md, "The engine".
 */
public final class BatchNormFolding {

    private static final Logger log = LoggerFactory.getLogger(BatchNormFolding.class);

    private BatchNormFolding() {
    }

    /** What {@link #fold(ComputationGraph)} made: the inference network, and the norms it folded and kept. */
    public record Result(ComputationGraph network, List<String> folded, Map<String, String> kept) {
    }

    /** {@link #fold(ComputationGraph)} for each member of a model; logs what could not be folded. */
    public static List<ComputationGraph> fold(List<ComputationGraph> members) {
        List<ComputationGraph> out = new ArrayList<>(members.size());
        for (ComputationGraph member : members) {
            Result r = fold(member);
            r.kept().forEach((norm, why) -> log.info("batch norm {} not folded: {}", norm, why));
            out.add(r.network());
        }
        return out;
    }

    /** A new network without the foldable batch norms (the given one is not changed). */
    public static Result fold(ComputationGraph network) {
        ComputationGraphConfiguration conf = network.getConfiguration().clone();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        Map<String, String> kept = new LinkedHashMap<>();
        Map<String, String> folds /* convolution -> the norm folded into it */ = new LinkedHashMap<>();
        for (String name : List.copyOf(vertices.keySet())) {
            if (!(layerOf(vertices.get(name)) instanceof BatchNormalization norm)) {
                continue;
            }
            Optional<String> refusal = refusal(name, norm, conf);
            if (refusal.isPresent()) {
                kept.put(name, refusal.get());
                continue;
            }
            String conv = inputs.get(name).get(0);
            ConvolutionLayer convLayer = (ConvolutionLayer) layerOf(vertices.get(conv));
            convLayer.setHasBias(true);
            List<String> readers = readersOf(name, inputs);
            if (readers.size() == 1 && !conf.getNetworkOutputs().contains(name)
                    && layerOf(vertices.get(readers.get(0))) instanceof ActivationLayer act
                    && ((LayerVertex) vertices.get(readers.get(0))).getPreProcessor() == null) {
                // the activation moves into the convolution; DL4J applies a layer's activation after its bias
                convLayer.setActivationFn(act.getActivationFn());
                String activation = readers.get(0);
                remove(activation, conv, vertices, inputs, conf);
            }
            remove(name, conv, vertices, inputs, conf);
            folds.put(conv, name);
        }
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph folded = new ComputationGraph(conf);
        folded.init();
        for (org.deeplearning4j.nn.api.Layer layer : folded.getLayers()) {
            String name = layer.getConfig().getLayerName();
            String norm = folds.get(name);
            if (norm == null) {
                if (layer.numParams() > 0) {
                    layer.setParams(network.getLayer(name).params());
                }
            } else {
                foldInto(layer, network.getLayer(name), network.getLayer(norm));
            }
        }
        return new Result(folded, List.copyOf(folds.values()), kept);
    }

    /** Why a batch norm cannot be folded, if it cannot. */
    private static Optional<String> refusal(String name, BatchNormalization norm, ComputationGraphConfiguration conf) {
        List<String> in = conf.getVertexInputs().get(name);
        if (in == null || in.size() != 1) {
            return Optional.of("it does not read exactly one vertex");
        }
        GraphVertex source = conf.getVertices().get(in.get(0));
        Layer layer = layerOf(source);
        if (layer == null || layer.getClass() != ConvolutionLayer.class) {
            return Optional.of("its input " + in.get(0) + " is not a plain convolution layer");
        }
        ConvolutionLayer conv = (ConvolutionLayer) layer;
        if (!(conv.getActivationFn() instanceof ActivationIdentity)) {
            return Optional.of("its convolution " + in.get(0) + " has activation " + conv.getActivationFn());
        }
        if (readersOf(in.get(0), conf.getVertexInputs()).size() != 1 || conf.getNetworkOutputs().contains(in.get(0))) {
            return Optional.of("its convolution " + in.get(0) + " is read by other vertices too");
        }
        if (((LayerVertex) conf.getVertices().get(name)).getPreProcessor() != null) {
            return Optional.of("it has an input preprocessor");
        }
        if (norm.isLockGammaBeta()) {
            return Optional.of("gamma and beta are locked constants");
        }
        if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW || norm.getCnn2DFormat() != CNN2DFormat.NCHW) {
            return Optional.of("only channels-first (NCHW) layers are folded");
        }
        return Optional.empty();
    }

    /** Removes a single-input layer vertex, pointing its readers (and the outputs) at {@code replacement}. */
    private static void remove(String vertex, String replacement, Map<String, GraphVertex> vertices,
                               Map<String, List<String>> inputs, ComputationGraphConfiguration conf) {
        vertices.remove(vertex);
        inputs.remove(vertex);
        inputs.replaceAll((v, in) -> renamed(in, vertex, replacement));
        conf.setNetworkOutputs(renamed(conf.getNetworkOutputs(), vertex, replacement));
    }

    private static List<String> renamed(List<String> names, String from, String to) {
        List<String> out = new ArrayList<>(names.size());
        names.forEach(n -> out.add(n.equals(from) ? to : n));
        return out;
    }

    private static List<String> readersOf(String vertex, Map<String, List<String>> inputs) {
        return inputs.entrySet().stream().filter(e -> e.getValue().contains(vertex)).map(Map.Entry::getKey).toList();
    }

    private static Layer layerOf(GraphVertex vertex) {
        return vertex instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    /** Writes the folded weights and bias into the new convolution; arithmetic in double, stored as the net's type. */
    private static void foldInto(org.deeplearning4j.nn.api.Layer target, org.deeplearning4j.nn.api.Layer conv,
                                 org.deeplearning4j.nn.api.Layer norm) {
        BatchNormalization bn = (BatchNormalization) norm.getConfig();
        INDArray gamma = norm.getParam(BatchNormalizationParamInitializer.GAMMA).castTo(DataType.DOUBLE).reshape(-1);
        INDArray beta = norm.getParam(BatchNormalizationParamInitializer.BETA).castTo(DataType.DOUBLE).reshape(-1);
        INDArray mean = norm.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).castTo(DataType.DOUBLE).reshape(-1);
        INDArray variance;
        if (bn.isUseLogStd()) {
            // stored as log10 of the standard deviation since 1.0.0-beta4
            INDArray log10Std = norm.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)
                    .castTo(DataType.DOUBLE).reshape(-1);
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10Std.shape(), 10.0, DataType.DOUBLE), log10Std, false);
            variance = std.mul(std);
        } else {
            variance = norm.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).castTo(DataType.DOUBLE).reshape(-1);
        }
        INDArray scale = gamma.div(Transforms.sqrt(variance.add(bn.getEps()), false));
        INDArray w = conv.getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        long channels = w.size(0);
        INDArray scaledW = w.castTo(DataType.DOUBLE).dup('c').reshape('c', channels, -1)
                .mulColumnVector(scale.reshape(channels, 1)).reshape('c', w.shape());
        INDArray oldBias = ((ConvolutionLayer) conv.getConfig()).hasBias()
                ? conv.getParam(ConvolutionParamInitializer.BIAS_KEY).castTo(DataType.DOUBLE).reshape(-1)
                : Nd4j.zeros(DataType.DOUBLE, channels);
        INDArray bias = oldBias.sub(mean).muli(scale).addi(beta);
        target.setParam(ConvolutionParamInitializer.WEIGHT_KEY, scaledW.castTo(w.dataType()));
        INDArray targetBias = target.getParam(ConvolutionParamInitializer.BIAS_KEY);
        target.setParam(ConvolutionParamInitializer.BIAS_KEY,
                bias.castTo(targetBias.dataType()).reshape(targetBias.shape()));
    }
}
