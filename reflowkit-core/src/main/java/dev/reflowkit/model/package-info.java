/**
 * Velocity networks as DJL blocks and the bridge from a block to the
 * {@link dev.reflowkit.field.VelocityField} contract.
 *
 * <ul>
 *   <li>{@link dev.reflowkit.model.MlpVelocityNet}: an MLP for low-dimensional (flat) data;</li>
 *   <li>{@link dev.reflowkit.model.UNetVelocityNet}: a DDPM-family U-Net for images
 *       {@code (N, C, H, W)}, built from {@link dev.reflowkit.model.ResidualBlock},
 *       {@link dev.reflowkit.model.AttentionBlock}, {@link dev.reflowkit.model.Upsample} and
 *       {@link dev.reflowkit.model.GroupNorm} (which DJL lacks);</li>
 *   <li>{@link dev.reflowkit.model.SinusoidalTimeEmbedding}: the shared time embedding;</li>
 *   <li>{@link dev.reflowkit.model.HostDropout}: dropout with its mask drawn on the host (faster
 *       than the engine's serial generator);</li>
 *   <li>{@link dev.reflowkit.model.BlockVelocityField} and
 *       {@link dev.reflowkit.model.BlockConditionalField}: a block as an inference-mode field.</li>
 * </ul>
 *
 * <p>Every block takes {@code NDList(x, t[, labels])} and uses tensor operands only on the
 * gradient path (see {@code ScalarOperandRuleTest}).
 */
package dev.reflowkit.model;
