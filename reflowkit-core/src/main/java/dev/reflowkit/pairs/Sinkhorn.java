package dev.reflowkit.pairs;

import dev.reflowkit.metrics.Assignment;
import dev.reflowkit.metrics.LinearAssignment;

/**
 * Entropic optimal transport between two uniform discrete measures, solved by Sinkhorn iterations
 * in the log domain (Cuturi 2013; the log-domain form of Peyré and Cuturi, "Computational Optimal
 * Transport", 2019, section 4.4).
 *
 * <p>For a cost matrix {@code C} ({@code n x m}) and uniform weights {@code a_i = 1/n},
 * {@code b_j = 1/m} it solves
 *
 * <pre>
 *   min_P  sum_ij P_ij C_ij  -  eps H(P),   P 1 = a,  P^T 1 = b,   H(P) = -sum_ij P_ij (log P_ij - 1)
 * </pre>
 *
 * with {@code eps = lambda * mean(C)}: the regularization is relative to the mean cost, so
 * {@code lambda} is unit-free (if every cost is 0, {@code eps = lambda}). The dual potentials are
 * updated as
 *
 * <pre>
 *   f_i = eps log a_i - eps LSE_j((g_j - C_ij) / eps)
 *   g_j = eps log b_j - eps LSE_i((f_i - C_ij) / eps)
 *   P_ij = exp((f_i + g_j - C_ij) / eps)
 * </pre>
 *
 * where LSE is a log-sum-exp taken with its maximum factored out, so no exponential can overflow
 * however small {@code eps} is. To converge quickly at small {@code eps} the iterations start at
 * {@code eps = mean(C)} and halve it stage by stage down to the target (epsilon scaling), keeping
 * the potentials between stages. The last stage runs until every row and column sum is within the
 * relative tolerance of its weight (after a {@code g} update the columns are exact, so the rows
 * are checked).
 *
 * <p>{@code lambda = 0} is the unregularized limit: the exact optimal assignment
 * ({@link LinearAssignment}, square matrices only), returned as a plan with {@code 1/n} on the
 * matched entries. As {@code lambda -> 0} the Sinkhorn plan converges to it (for a unique optimum).
 *
 * <pre>{@code
 * TransportPlan p = Sinkhorn.builder().optLambda(0.05).build().solve(cost, n, n);
 * int[] match = p.rowArgMax();
 * }</pre>
 */
public final class Sinkhorn {

    /** Stages of epsilon scaling stop early once the marginals are this close. */
    private static final double STAGE_TOLERANCE = 1e-2;
    private static final int STAGE_ITERATIONS = 100;

    private final double lambda;
    private final double tolerance;
    private final int maxIterations;

    private Sinkhorn(Builder b) {
        this.lambda = b.lambda;
        this.tolerance = b.tolerance;
        this.maxIterations = b.maxIterations;
    }

    /**
     * A builder with {@code lambda = 0.05}, tolerance {@code 1e-6}, at most 100 000 iterations.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The regularization relative to the mean cost.
     *
     * @return lambda, 0 for the exact assignment
     */
    public double lambda() {
        return lambda;
    }

    /**
     * Solves the transport problem between uniform weights.
     *
     * @param cost the costs, row-major, {@code rows * cols} finite entries; not modified
     * @param rows the number of source points, at least 1
     * @param cols the number of target points, at least 1 (equal to {@code rows} when lambda is 0)
     * @return the plan
     * @throws IllegalArgumentException if the dimensions do not match or a cost is not finite
     * @throws IllegalStateException if the iterations do not reach the tolerance
     */
    public TransportPlan solve(double[] cost, int rows, int cols) {
        if (rows < 1 || cols < 1 || (long) rows * cols != cost.length) {
            throw new IllegalArgumentException("Sinkhorn needs a non-empty " + rows + " x " + cols
                    + " cost matrix, got " + cost.length + " entries");
        }
        double mean = 0;
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException("cost[" + (k / cols) + "][" + (k % cols) + "] = " + cost[k]
                        + " is not finite");
            }
            mean += cost[k];
        }
        mean /= cost.length;
        if (lambda == 0) {
            return exact(cost, rows, cols);
        }
        double scale = mean > 0 ? mean : 1.0;
        double eps = lambda * scale;
        State st = new State(cost, rows, cols);
        double stageEps = Math.max(eps, scale);
        while (true) {
            boolean last = stageEps <= eps;
            double tol = last ? tolerance : STAGE_TOLERANCE;
            int limit = last ? maxIterations - st.iterations : STAGE_ITERATIONS;
            double err = st.iterate(stageEps, tol, limit);
            if (last) {
                if (!(err <= tol)) {
                    throw new IllegalStateException("Sinkhorn (lambda " + lambda + ") did not converge in "
                            + maxIterations + " iterations: marginal error " + err + " > " + tolerance
                            + "; use a larger lambda, or lambda 0 for the exact assignment");
                }
                return new TransportPlan(st.plan(), rows, cols, st.iterations, err);
            }
            stageEps = Math.max(eps, stageEps / 2);
        }
    }

    private static TransportPlan exact(double[] cost, int rows, int cols) {
        if (rows != cols) {
            throw new IllegalArgumentException("lambda 0 (exact assignment) needs a square cost matrix, got "
                    + rows + " x " + cols);
        }
        Assignment a = LinearAssignment.solve(cost, rows);
        double[] p = new double[cost.length];
        for (int i = 0; i < rows; i++) {
            p[i * cols + a.col(i)] = 1.0 / rows;
        }
        return new TransportPlan(p, rows, cols, 0, 0.0);
    }

    /**
     * The iteration state: log-domain potentials {@code f, g} and, on top of them, scalings
     * {@code u, v} with the kernel {@code K_ij = exp((f_i + g_j - C_ij) / eps)}, so that
     * {@code P_ij = u_i K_ij v_j} (the stabilized scaling algorithm; Schmitzer 2019). Iterations are
     * then two matrix-vector products; exponentials are only taken when the scalings are absorbed
     * into the potentials (when they leave {@code [1e-100, 1e100]} or a product underflows, and
     * at every change of {@code eps}). An underflow falls back to one exact log-domain update.
     */
    private static final class State {
        private static final double ABSORB = 1e100;

        private final double[] c;
        private final int rows;
        private final int cols;
        private final double a;
        private final double b;
        private final double[] f;
        private final double[] g;
        private final double[] u;
        private final double[] v;
        private final double[] k;
        private final double[] kv;
        private final double[] ktu;
        private double eps = Double.NaN;
        int iterations;

        State(double[] c, int rows, int cols) {
            this.c = c;
            this.rows = rows;
            this.cols = cols;
            a = 1.0 / rows;
            b = 1.0 / cols;
            f = new double[rows];
            g = new double[cols];
            u = new double[rows];
            v = new double[cols];
            k = new double[c.length];
            kv = new double[rows];
            ktu = new double[cols];
        }

        /** Runs iterations at one eps until the row error is within tol; returns the error. */
        double iterate(double newEps, double tol, int limit) {
            if (newEps != eps) {
                if (!Double.isNaN(eps)) {
                    absorb();
                }
                eps = newEps;
                kernel();
            }
            double err = Double.POSITIVE_INFINITY;
            for (int it = 0; it <= limit; it++) {
                multiplyRows();
                err = rowError();
                if (err <= tol || it == limit) {
                    break;
                }
                boolean finite = true;
                boolean inRange = true;
                for (int i = 0; i < rows; i++) {
                    u[i] = a / kv[i];
                    finite &= kv[i] > 0 && u[i] < Double.POSITIVE_INFINITY;
                    inRange &= u[i] < ABSORB && u[i] > 1 / ABSORB;
                }
                multiplyCols();
                for (int j = 0; j < cols; j++) {
                    v[j] = b / ktu[j];
                    finite &= ktu[j] > 0 && v[j] < Double.POSITIVE_INFINITY;
                    inRange &= v[j] < ABSORB && v[j] > 1 / ABSORB;
                }
                iterations++;
                if (!finite) {
                    logDomainUpdate();
                    kernel();
                } else if (!inRange) {
                    absorb();
                    kernel();
                }
            }
            return err;
        }

        /** {@code kv = K v}. */
        private void multiplyRows() {
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += k[base + j] * v[j];
                }
                kv[i] = s;
            }
        }

        /** {@code ktu = K^T u}. */
        private void multiplyCols() {
            java.util.Arrays.fill(ktu, 0);
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                double ui = u[i];
                for (int j = 0; j < cols; j++) {
                    ktu[j] += k[base + j] * ui;
                }
            }
        }

        /** The largest relative row-sum error {@code max_i |u_i (K v)_i / a - 1|}. */
        private double rowError() {
            double worst = 0;
            for (int i = 0; i < rows; i++) {
                double e = Math.abs(u[i] * kv[i] / a - 1);
                worst = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(worst, e);
            }
            return worst;
        }

        /** Moves the scalings into the potentials: {@code f += eps log u}, {@code g += eps log v}. */
        private void absorb() {
            for (int i = 0; i < rows; i++) {
                f[i] += eps * Math.log(u[i]);
            }
            for (int j = 0; j < cols; j++) {
                g[j] += eps * Math.log(v[j]);
            }
        }

        /**
         * One exact log-domain iteration from the potentials alone (after an underflow):
         * {@code f_i = eps log a - eps LSE_j((g_j - C_ij) / eps)}, then the same for {@code g}.
         */
        private void logDomainUpdate() {
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, g[j] - c[base + j]);
                }
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp((g[j] - c[base + j] - max) / eps);
                }
                f[i] = eps * Math.log(a) - max - eps * Math.log(sum);
            }
            for (int j = 0; j < cols; j++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < rows; i++) {
                    max = Math.max(max, f[i] - c[i * cols + j]);
                }
                double sum = 0;
                for (int i = 0; i < rows; i++) {
                    sum += Math.exp((f[i] - c[i * cols + j] - max) / eps);
                }
                g[j] = eps * Math.log(b) - max - eps * Math.log(sum);
            }
        }

        /** {@code K_ij = exp((f_i + g_j - C_ij) / eps)} and {@code u = v = 1}. */
        private void kernel() {
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                for (int j = 0; j < cols; j++) {
                    k[base + j] = Math.exp((f[i] + g[j] - c[base + j]) / eps);
                }
            }
            java.util.Arrays.fill(u, 1);
            java.util.Arrays.fill(v, 1);
        }

        /** The plan {@code P_ij = u_i K_ij v_j}. */
        double[] plan() {
            double[] p = new double[c.length];
            for (int i = 0; i < rows; i++) {
                int base = i * cols;
                for (int j = 0; j < cols; j++) {
                    p[base + j] = u[i] * k[base + j] * v[j];
                }
            }
            return p;
        }
    }

    /** Builds a {@link Sinkhorn} solver. */
    public static final class Builder {

        private double lambda = 0.05;
        private double tolerance = 1e-6;
        private int maxIterations = 100_000;

        private Builder() {}

        /**
         * Sets the regularization relative to the mean cost (default 0.05); 0 gives the exact
         * assignment.
         *
         * @param lambda {@code >= 0}
         * @return this builder
         */
        public Builder optLambda(double lambda) {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException("Sinkhorn lambda must be finite and >= 0, got " + lambda);
            }
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the relative marginal tolerance of the last stage (default 1e-6).
         *
         * @param tolerance {@code > 0}
         * @return this builder
         */
        public Builder optTolerance(double tolerance) {
            if (!(tolerance > 0)) {
                throw new IllegalArgumentException("Sinkhorn tolerance must be > 0, got " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /**
         * Sets the most iterations of all stages together (default 100 000).
         *
         * @param maxIterations {@code >= 1}
         * @return this builder
         */
        public Builder optMaxIterations(int maxIterations) {
            if (maxIterations < 1) {
                throw new IllegalArgumentException("Sinkhorn max iterations must be >= 1, got " + maxIterations);
            }
            this.maxIterations = maxIterations;
            return this;
        }

        /**
         * Builds the solver.
         *
         * @return the solver
         */
        public Sinkhorn build() {
            return new Sinkhorn(this);
        }
    }
}
