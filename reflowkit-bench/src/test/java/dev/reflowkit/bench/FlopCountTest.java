package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.model.AttentionBlock;
import dev.reflowkit.model.MlpVelocityNet;
import org.junit.jupiter.api.Test;

class FlopCountTest {

    @Test
    void mlpCountsItsLinearLayers() {
        try (NDManager m = Engines.newManager()) {
            MlpVelocityNet net = MlpVelocityNet.builder().setDim(2).optHidden(256).optDepth(3).build();
            net.initialize(m, DataType.FLOAT32, new Shape(10, 2), new Shape(10));
            double expected = 2.0 * ((2 + 64) * 256 + 256 * 256 + 256 * 256 + 256 * 2);
            assertEquals(expected, FlopCount.forwardPerSample(net), 1e-6);
        }
    }

    @Test
    void convolutionAndAttentionUseTheirOutputShapes() {
        try (NDManager m = Engines.newManager()) {
            Block conv = Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(8).optPadding(new Shape(1, 1))
                    .optStride(new Shape(2, 2)).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(4, 3, 16, 16));
            assertEquals(2.0 * 8 * 8 * 8 * 3 * 9, FlopCount.forwardPerSample(conv), 1e-6);
            AttentionBlock attn = AttentionBlock.builder().setChannels(8).setGroups(2).build();
            attn.initialize(m, DataType.FLOAT32, new Shape(4, 8, 4, 4));
            double qkv = 2.0 * 24 * 16 * 8;
            double proj = 2.0 * 8 * 16 * 8;
            double products = 4.0 * 16 * 16 * 8;
            assertEquals(qkv + proj + products, FlopCount.forwardPerSample(attn), 1e-6);
        }
    }

    @Test
    void uninitializedNetworkIsAnError() {
        MlpVelocityNet net = MlpVelocityNet.builder().setDim(2).build();
        assertThrows(IllegalStateException.class, () -> FlopCount.forwardPerSample(net));
    }
}
