package dev.reflowkit.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2-D convolution that pads its channels with zeros to whole blocks of {@value #BLOCK} where
 * PyTorch 2.7.1's oneDNN (3.7.1) computes wrong values otherwise: the same function, the same
 * parameters and names as a plain {@link Conv2d}.
 *
 * <p>oneDNN computes in blocked layouts whose channel blocks are 16 wide on AVX-512 machines, and
 * two of its kernels mishandle a partly filled block. Measured on a 2-core AMD EPYC with AVX-512
 * (every case against the same convolution in float64, which PyTorch computes without oneDNN):
 *
 * <ul>
 *   <li>the forward pass of a 3x3 convolution with more than 16 input channels that are not a
 *       multiple of 16 (20, 24, 28, 40, 56) is wrong by O(1) at any output width, in training and
 *       in inference; fewer than 16 input channels, multiples of 16 and 1x1 kernels are right;
 *   <li>the input gradient of a convolution whose output channels are not a multiple of 16 (1, 3,
 *       8) is wrong, and NaN in a few of every hundred backward passes (a 16 -> 1 channel 3x3
 *       convolution on 64x16x16x16 inputs: 2-8 of 200), which stopped MNIST teachers on a NaN
 *       gradient norm within their first few hundred steps.
 * </ul>
 *
 * <p>So the input is padded with zero channels (and the weights with zero input channels) where
 * it has more than 16 channels that are not a multiple of 16, and in a training forward the
 * weights and bias get zero filters up to a multiple of 16, whose outputs are dropped. Zero
 * channels add nothing to the sums, so values and gradients are those of the plain convolution;
 * the cost is one wider convolution where a layer is narrow (the U-Net's last convolution, 1 or 3
 * channels). Where no channel count needs padding it is a plain {@link Conv2d}.
 */
public final class FilterPaddedConv2d extends Conv2d {

    /** The channel block padded to: oneDNN's widest (AVX-512, float32). */
    static final int BLOCK = 16;

    private FilterPaddedConv2d(Builder builder) {
        super(builder);
    }

    /**
     * A builder of the padded convolution (the options of {@link Conv2d.Builder}).
     *
     * @return a new builder
     */
    public static Builder paddedBuilder() {
        return new Builder();
    }

    /**
     * The zero input channels a convolution with {@code channels} inputs gets.
     *
     * @param channels the input channel count
     * @return 0 up to 16, and for multiples of 16; else up to the next multiple of 16
     */
    static int inputPadding(long channels) {
        return channels > BLOCK && channels % BLOCK != 0 ? (int) (BLOCK - channels % BLOCK) : 0;
    }

    /**
     * The zero filters a training forward adds.
     *
     * @param filters the output channel count
     * @return the filters up to the next multiple of 16
     */
    static int filterPadding(int filters) {
        return (BLOCK - filters % BLOCK) % BLOCK;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        int padIn = inputPadding(x.getShape().get(1));
        int padOut = training ? filterPadding(filters) : 0;
        if (groups != 1 || padIn + padOut == 0) {
            return super.forwardInternal(ps, inputs, training, params);
        }
        Device device = x.getDevice();
        NDArray w = ps.getValue(weight, device, training);
        NDArray b = includeBias ? ps.getValue(bias, device, training) : null;
        Shape ws = w.getShape();
        if (padIn > 0) {
            Shape xs = x.getShape();
            x = x.concat(x.getManager().zeros(new Shape(xs.get(0), padIn).addAll(xs.slice(2)), x.getDataType()), 1);
            w = w.concat(x.getManager().zeros(new Shape(ws.get(0), padIn).addAll(ws.slice(2)), w.getDataType()), 1);
        }
        if (padOut > 0) {
            w = w.concat(x.getManager().zeros(new Shape(padOut).addAll(w.getShape().slice(1)), w.getDataType()), 0);
            b = b == null ? null : b.concat(x.getManager().zeros(new Shape(padOut), b.getDataType()), 0);
        }
        NDArray y = Conv2d.conv2d(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
        return new NDList(padOut > 0 ? y.get(new NDIndex(":, :{}", filters)) : y);
    }

    /** Builds a {@link FilterPaddedConv2d}. */
    public static final class Builder extends Conv2d.Builder {

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        public FilterPaddedConv2d build() {
            validate();
            return new FilterPaddedConv2d(this);
        }
    }
}
