/**
 * ReFlow pairs: generating {@code (x0, x1)} pairs with a teacher's ODE and storing them.
 *
 * <p>Conventions (spec section 1): t = 0 is data, t = 1 is noise. Backward pairs integrate seeded
 * noise from 1 to 0 ({@link dev.reflowkit.pairs.PairDirection#BACKWARD}); forward pairs integrate
 * real training points from 0 to 1 (Simple ReFlow's forward pairs); projected pairs match
 * backward pairs to real data by optimal transport ({@link dev.reflowkit.pairs.Sinkhorn}, our
 * interpretation of the paper's coupling projection).
 *
 * <p>{@link dev.reflowkit.pairs.PairGeneration} writes a resumable, checksummed pair store of
 * numpy-readable shards; {@link dev.reflowkit.pairs.PairStore} validates and reads one, and
 * {@link dev.reflowkit.coupling.PairStoreCoupling} trains on one or several stores.
 *
 * <p>Measurements behind the defaults (demo teacher: 8gaussians, MLP 3x256, 15 000 steps; 2 vCPUs
 * shared with other jobs, so speeds vary by about 20%):
 *
 * <ul>
 *   <li>{@code pairs.nfe = 99} (heun, uniform grid): rms pair error against dopri5 at
 *       atol = rtol = 1e-6, over 1000-2000 pairs, backward / forward: NFE 9: 0.12 / 0.14;
 *       NFE 15: 0.066 / 0.072; NFE 31: 0.063 / 0.021; NFE 63: 0.048 / 0.010; NFE 99: 0.025 /
 *       0.0096 (max 0.23 / 0.027); NFE 199: 0.0035; NFE 399: 0.0016. The data's per-coordinate std
 *       is 2.03 and each mode's std 0.354, so at 99 NFE the error is about 1% of the data scale and
 *       7% of a mode's width. Even NFE (plain Heun) gave the same error as the odd neighbour.
 *   <li>{@code pairs.workers = 2}: 40 000 backward pairs at NFE 99, batch 1000, shards of 10 000,
 *       interleaved runs: 1 worker 1930-2220 pairs/s (mean 2050), 2 workers 2330-2630 pairs/s
 *       (mean 2480), about 20% faster; 3 workers were no faster. Stores were bitwise identical
 *       for 1, 2 and 3 workers. The defaults (100 000 backward + 50 000 forward pairs) took 37 s
 *       + 20 s.
 *   <li>{@code pairs.sinkhorn_lambda = 0}: with blocks of 250, the hard projection of an entropic
 *       plan sends many generated points to the same real point: over 10 000 projected pairs,
 *       lambda 0.05 used 4 103 distinct real points, 0.01 used 6 014, 0.005 used 6 736, and the
 *       exact assignment 9 529 (blocks draw overlapping real points); the rms move from the
 *       generated point was 0.59-0.60 for all. The exact assignment (about 30 ms per block) is
 *       also faster than Sinkhorn at lambda 0.01 (about 250 ms per block).
 * </ul>
 */
package dev.reflowkit.pairs;
