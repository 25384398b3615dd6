package dev.reflowkit.pairs;

import java.util.SplittableRandom;

/**
 * A transport plan between two discrete measures: a non-negative {@code rows x cols} matrix whose
 * row sums are the source weights and whose column sums are the target weights.
 *
 * @param plan the plan, row-major, {@code rows * cols} entries (not copied)
 * @param rows the number of source points
 * @param cols the number of target points
 * @param iterations Sinkhorn iterations used (0 for an exact assignment)
 * @param marginalError the largest relative error of a marginal, {@code max |sum - w| / w}
 */
public record TransportPlan(double[] plan, int rows, int cols, int iterations, double marginalError) {

    /** Checks the dimensions. */
    public TransportPlan {
        if (plan == null || rows < 0 || cols < 0 || (long) rows * cols != plan.length) {
            throw new IllegalArgumentException("transport plan of " + rows + " x " + cols + " needs "
                    + ((long) rows * cols) + " entries, got " + (plan == null ? "null" : plan.length));
        }
    }

    /**
     * One entry of the plan.
     *
     * @param i the source index
     * @param j the target index
     * @return {@code P[i][j]}
     */
    public double get(int i, int j) {
        return plan[i * cols + j];
    }

    /**
     * The row sums (the plan's source marginal).
     *
     * @return {@code sum_j P[i][j]} for each row
     */
    public double[] rowSums() {
        double[] s = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[i] += plan[i * cols + j];
            }
        }
        return s;
    }

    /**
     * The column sums (the plan's target marginal).
     *
     * @return {@code sum_i P[i][j]} for each column
     */
    public double[] colSums() {
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[j] += plan[i * cols + j];
            }
        }
        return s;
    }

    /**
     * The hard projection of the plan: for each row, the column with the largest weight (the
     * lowest index among ties). Several rows may pick the same column unless the plan is a
     * permutation.
     *
     * @return {@code argmax_j P[i][j]} for each row
     */
    public int[] rowArgMax() {
        int[] best = new int[rows];
        for (int i = 0; i < rows; i++) {
            int arg = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                double p = plan[i * cols + j];
                if (p > max) {
                    max = p;
                    arg = j;
                }
            }
            best[i] = arg;
        }
        return best;
    }

    /**
     * A coupling drawn from the plan: for each row {@code i}, a column {@code j} with probability
     * {@code P[i][j] / sum_j P[i][j]}, independently per row. Column {@code j} is then drawn
     * {@code sum_i P[i][j] / (row mass)} times in expectation: once, for a plan with uniform
     * marginals, so the drawn columns keep the columns' marginal (unlike {@link #rowArgMax}, which
     * uses some columns several times and others never when the plan is not a permutation). For
     * a permutation plan it equals {@link #rowArgMax}.
     *
     * @param rng the generator (one uniform draw per row)
     * @return the drawn column of each row
     */
    public int[] sampleRows(SplittableRandom rng) {
        int[] drawn = new int[rows];
        for (int i = 0; i < rows; i++) {
            double total = 0;
            for (int j = 0; j < cols; j++) {
                total += plan[i * cols + j];
            }
            double u = rng.nextDouble() * total;
            int pick = -1;
            double acc = 0;
            for (int j = 0; j < cols; j++) {
                double p = plan[i * cols + j];
                if (p > 0) {
                    pick = j; // the last column with mass, should rounding leave u beyond the sum
                    acc += p;
                    if (u < acc) {
                        break;
                    }
                }
            }
            drawn[i] = pick;
        }
        return drawn;
    }

    /**
     * The transport cost {@code <P, C>}.
     *
     * @param cost the cost matrix, row-major, same dimensions
     * @return {@code sum_ij P[i][j] C[i][j]}
     */
    public double cost(double[] cost) {
        if (cost.length != plan.length) {
            throw new IllegalArgumentException("cost matrix has " + cost.length + " entries, the plan " + plan.length);
        }
        double total = 0;
        for (int k = 0; k < plan.length; k++) {
            total += plan[k] * cost[k];
        }
        return total;
    }
}
