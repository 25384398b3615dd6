/**
 * Training-time distributions on {@code [0, 1]} (t = 0 data, t = 1 noise): uniform, Simple
 * ReFlow's exponential {@code 10^t}, Lee et al.'s U-shape and logit-normal, each with an exact
 * sampler and its density, plus endpoint clipping and a factory by config name ({@link
 * dev.reflowkit.time.TimeDistributions}).
 */
package dev.reflowkit.time;
