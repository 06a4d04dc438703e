package dev.emostream.trainer.net;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The shape of a residual network: a stem, then stages of basic blocks (two 3x3 conv-BN layers and
 * an identity or 1x1 projection shortcut), global average pooling and a 7-way softmax.
 *
 * @param stemChannels   channels of the stem convolution
 * @param stemKernel     its kernel size
 * @param stemStride     its stride
 * @param stemPool       a 3x3/2 max pool after the stem (the ImageNet ResNet layout)
 * @param widths         channels per stage; every stage after the first halves the resolution
 * @param blocks         basic blocks per stage
 * @param dropout        dropout probability before the classifier (0 = none)
 */
public record ResNetSpec(int stemChannels, int stemKernel, int stemStride, boolean stemPool, int[] widths,
                         int[] blocks, double dropout) {

    public ResNetSpec {
        if (widths.length != blocks.length || widths.length == 0) {
            throw new IllegalArgumentException("need one block count per stage, got widths "
                    + Arrays.toString(widths) + " and blocks " + Arrays.toString(blocks));
        }
    }

    /** 3x3/2 stem to 32 channels, stages 32/64/128/256 of one block each: 1.2M parameters, fast on 2 cores. */
    public static ResNetSpec light() {
        return new ResNetSpec(32, 3, 2, false, new int[]{32, 64, 128, 256}, new int[]{1, 1, 1, 1}, 0.2);
    }

    /**
     * The shipped model's network (fer-resnet5): a 3x3 stride-1 stem to 16 channels, five stages 16/32/64/128/256 of
     * one block each, the first at the full crop: 1.23M parameters, 27M multiply-adds at 40x40.
     */
    public static ResNetSpec resnet5() {
        return new ResNetSpec(16, 3, 1, false, new int[]{16, 32, 64, 128, 256}, new int[]{1, 1, 1, 1, 1}, 0.2);
    }

    /** The ImageNet ResNet-34 layout (7x7/2 stem, max pool, 3-4-6-3 blocks of 64..512). */
    public static ResNetSpec resnet34() {
        return new ResNetSpec(64, 7, 2, true, new int[]{64, 128, 256, 512}, new int[]{3, 4, 6, 3}, 0.0);
    }

    public String describe() {
        return "resnet stem=" + stemKernel + "x" + stemKernel + "/" + stemStride + ":" + stemChannels
                + (stemPool ? "+maxpool" : "")
                + " widths=" + join(widths) + " blocks=" + join(blocks) + " dropout=" + dropout;
    }

    private static String join(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
