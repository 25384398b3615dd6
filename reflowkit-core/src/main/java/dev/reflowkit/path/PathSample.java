package dev.reflowkit.path;

import ai.djl.ndarray.NDArray;

/**
 * One draw from a probability path: the endpoints, the times, the interpolated state and the
 * regression target of the velocity.
 *
 * @param x0 data endpoints, shape {@code (N, ...)}
 * @param x1 noise endpoints, shape of {@code x0}
 * @param t times, shape {@code (N)}
 * @param xt the state {@code x_t = (1 - t) x0 + t x1}
 * @param target the velocity target {@code x1 - x0}
 */
public record PathSample(NDArray x0, NDArray x1, NDArray t, NDArray xt, NDArray target) {}
