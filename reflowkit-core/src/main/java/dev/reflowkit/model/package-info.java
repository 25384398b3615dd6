/**
 * Velocity networks as DJL blocks ({@link dev.reflowkit.model.MlpVelocityNet} for low-dimensional
 * data) and the bridge {@link dev.reflowkit.model.BlockVelocityField} from a block to the
 * {@link dev.reflowkit.field.VelocityField} contract.
 */
package dev.reflowkit.model;
