/**
 * Couplings of data and noise from which training pairs are drawn: the independent coupling of
 * the teacher, and (later) the ReFlow couplings read from pair stores.
 */
package dev.reflowkit.coupling;
