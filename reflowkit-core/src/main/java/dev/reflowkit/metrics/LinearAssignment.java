package dev.reflowkit.metrics;

import java.util.Arrays;

/**
 * An exact solver of the linear assignment problem: a minimum-cost perfect matching of the rows of
 * a dense {@code n x n} cost matrix to its columns.
 *
 * <p>Solves {@code min over permutations s of sum_i C[i][s(i)]} by successive shortest augmenting
 * paths with dual potentials (the Hungarian method in the Jonker-Volgenant form). A column
 * reduction first sets {@code v[j] = min_i C[i][j]} and matches each column to its cheapest free
 * row; the remaining rows are then added one at a time; for each, a Dijkstra search over columns on the reduced costs
 * {@code C[i][j] - u[i] - v[j] >= 0} finds the cheapest path to a free column, the potentials are
 * updated so the reduced costs stay non-negative and are zero on matched pairs, and the matching is
 * flipped along the path. Time {@code O(n^3)} in the worst case, memory {@code O(n)} beyond the
 * matrix. Costs may be negative; they must be finite (and differences between them must not
 * overflow a double).
 *
 * <p>Example: {@code LinearAssignment.solve(new double[] {4, 1, 2, 3}, 2)} matches row 0 to
 * column 1 and row 1 to column 0, total cost 3.
 */
public final class LinearAssignment {

    private LinearAssignment() {}

    /**
     * Solves the assignment problem for a square matrix given as rows.
     *
     * @param cost the matrix, {@code cost[i][j]} is the cost of matching row {@code i} to column
     *     {@code j}; every row must have {@code cost.length} finite entries
     * @return the optimal matching and its cost
     * @throws IllegalArgumentException if the matrix is not square or has a non-finite entry
     */
    public static Assignment solve(double[][] cost) {
        int n = cost.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (cost[i] == null || cost[i].length != n) {
                throw new IllegalArgumentException(
                        "cost matrix is not square: it has " + n + " rows but row " + i + " has "
                                + (cost[i] == null ? "no" : String.valueOf(cost[i].length))
                                + " columns");
            }
            System.arraycopy(cost[i], 0, flat, i * n, n);
        }
        return solve(flat, n, n);
    }

    /**
     * Solves the assignment problem for a square row-major matrix.
     *
     * @param cost row-major costs, length {@code n * n}; not modified
     * @param n the number of rows and of columns
     * @return the optimal matching and its cost
     * @throws IllegalArgumentException if {@code cost.length != n * n} or an entry is not finite
     */
    public static Assignment solve(double[] cost, int n) {
        return solve(cost, n, n);
    }

    /**
     * Solves the assignment problem for a row-major matrix that must be square.
     *
     * @param cost row-major costs, length {@code rows * cols}; not modified
     * @param rows the number of rows
     * @param cols the number of columns, must equal {@code rows}
     * @return the optimal matching and its cost
     * @throws IllegalArgumentException if the matrix is not square, its length does not match, or
     *     an entry is not finite
     */
    public static Assignment solve(double[] cost, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative cost-matrix shape " + rows + " x " + cols);
        }
        if (rows != cols) {
            throw new IllegalArgumentException(
                    "cost matrix must be square for a perfect matching, got " + rows + " x " + cols);
        }
        if ((long) rows * cols != cost.length) {
            throw new IllegalArgumentException(
                    "cost array has " + cost.length + " entries, expected " + rows + " x " + cols
                            + " = " + ((long) rows * cols));
        }
        for (int k = 0; k < cost.length; k++) {
            if (!Double.isFinite(cost[k])) {
                throw new IllegalArgumentException(
                        "cost[" + (k / cols) + "][" + (k % cols) + "] = " + cost[k]
                                + " is not finite");
            }
        }
        return new Solver(cost, rows).run();
    }

    /** The mutable state of one solve. */
    private static final class Solver {
        private final double[] c;
        private final int n;
        private final double[] u;
        private final double[] v;
        private final int[] colForRow;
        private final int[] rowForCol;
        // Per-augmentation work arrays.
        private final double[] dist;
        private final int[] predRow;
        private final boolean[] scanned;
        private final int[] scannedCols;
        private final int[] scannedRows;

        Solver(double[] c, int n) {
            this.c = c;
            this.n = n;
            u = new double[n];
            v = new double[n];
            colForRow = new int[n];
            rowForCol = new int[n];
            dist = new double[n];
            predRow = new int[n];
            scanned = new boolean[n];
            scannedCols = new int[n];
            scannedRows = new int[n];
            Arrays.fill(colForRow, -1);
            Arrays.fill(rowForCol, -1);
        }

        Assignment run() {
            reduceColumns();
            for (int root = 0; root < n; root++) {
                if (colForRow[root] < 0) {
                    augment(root);
                }
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += c[i * n + colForRow[i]];
            }
            return new Assignment(colForRow, total);
        }

        /**
         * Jonker-Volgenant column reduction: {@code v[j] = min_i C[i][j]} (dual feasible with
         * {@code u = 0}) and each column is matched to its cheapest row if that row is still free,
         * on a zero reduced cost. Often leaves only a fraction of rows to augment.
         */
        private void reduceColumns() {
            for (int j = 0; j < n; j++) {
                double min = Double.POSITIVE_INFINITY;
                int argMin = -1;
                for (int i = 0; i < n; i++) {
                    double x = c[i * n + j];
                    if (x < min) {
                        min = x;
                        argMin = i;
                    }
                }
                v[j] = min;
                if (colForRow[argMin] < 0) {
                    colForRow[argMin] = j;
                    rowForCol[j] = argMin;
                }
            }
        }

        /** Grows a shortest-path tree from the free row {@code root} and augments along it. */
        private void augment(int root) {
            Arrays.fill(dist, Double.POSITIVE_INFINITY);
            Arrays.fill(scanned, false);
            int nScannedCols = 0;
            int nScannedRows = 0;
            double reached = 0; // distance of the last column taken out of the queue
            int row = root;
            int sink = -1;
            while (sink < 0) {
                scannedRows[nScannedRows++] = row;
                int base = row * n;
                double ui = u[row];
                double best = Double.POSITIVE_INFINITY;
                int bestCol = -1;
                for (int j = 0; j < n; j++) {
                    if (scanned[j]) {
                        continue;
                    }
                    double dj = dist[j];
                    double d = reached + c[base + j] - ui - v[j];
                    if (d < dj) {
                        dj = d;
                        dist[j] = d;
                        predRow[j] = row;
                    }
                    // Among equal distances prefer a free column: it ends the search at once.
                    if (dj < best || (dj == best && rowForCol[j] < 0)) {
                        best = dj;
                        bestCol = j;
                    }
                }
                if (bestCol < 0) {
                    // Only possible if reduced costs overflowed to infinity.
                    throw new ArithmeticException("assignment search found no finite path");
                }
                reached = best;
                int col = bestCol;
                scanned[col] = true;
                scannedCols[nScannedCols++] = col;
                if (rowForCol[col] < 0) {
                    sink = col;
                } else {
                    row = rowForCol[col];
                }
            }
            // Potentials: keep reduced costs >= 0 everywhere and 0 on matched and path edges.
            u[root] += reached;
            for (int k = 1; k < nScannedRows; k++) {
                int r = scannedRows[k];
                u[r] += reached - dist[colForRow[r]];
            }
            for (int k = 0; k < nScannedCols; k++) {
                int j = scannedCols[k];
                v[j] -= reached - dist[j];
            }
            // Flip the matching along the path from sink back to root.
            int col = sink;
            while (true) {
                int r = predRow[col];
                rowForCol[col] = r;
                int previous = colForRow[r];
                colForRow[r] = col;
                if (r == root) {
                    break;
                }
                col = previous;
            }
        }
    }
}
