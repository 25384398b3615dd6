/**
 * Couplings of data and noise from which training pairs are drawn: the independent coupling of
 * the teacher, and the ReFlow coupling that mixes pairs read from one or more pair stores
 * ({@link dev.reflowkit.coupling.PairStoreCoupling}).
 */
package dev.reflowkit.coupling;
