/**
 * Training: the {@link dev.reflowkit.train.FlowTrainer} loop, Adam/AdamW with saveable moments,
 * EMA of weights, learning-rate schedule, checkpoints with integrity checks, the JSONL log and the
 * progress bar.
 */
package dev.reflowkit.train;
