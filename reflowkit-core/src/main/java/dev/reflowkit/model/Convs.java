package dev.reflowkit.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;

/**
 * Factories of the 2-D convolutions the U-Net uses (with bias, "same" padding; {@link
 * FilterPaddedConv2d}, so that narrow ones train without oneDNN's NaN input gradients) and its
 * weight initialization.
 */
final class Convs {

    private Convs() {}

    /**
     * Gives every weight of a block DDPM's {@code default_init}: variance scaling 1, fan_avg,
     * uniform, i.e. {@code U(-sqrt(3 / fan_avg), sqrt(3 / fan_avg))} with
     * {@code fan_avg = (fan_in + fan_out) / 2} (Xavier uniform). Biases stay zero.
     *
     * @param block the block, before initialization
     */
    static void ddpmInit(Block block) {
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.AVG, 3f), Parameter.Type.WEIGHT);
    }

    /**
     * Makes every parameter of a block start at zero.
     *
     * @param block the block, before initialization
     */
    static void zeroInit(Block block) {
        block.setInitializer(Initializer.ZEROS, p -> true);
    }

    /**
     * A 3x3 convolution with padding 1.
     *
     * @param filters the output channel count
     * @param stride 1, or 2 to halve the resolution
     * @return the unbuilt-shape convolution block
     */
    static Conv2d conv3x3(int filters, int stride) {
        return FilterPaddedConv2d.paddedBuilder()
                .setKernelShape(new Shape(3, 3))
                .setFilters(filters)
                .optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride))
                .build();
    }

    /**
     * A 1x1 convolution (a per-position linear map of the channels).
     *
     * @param filters the output channel count
     * @return the convolution block
     */
    static Conv2d conv1x1(int filters) {
        return FilterPaddedConv2d.paddedBuilder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
    }
}
