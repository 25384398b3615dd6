package dev.reflowkit.metrics;

/**
 * A perfect matching of the rows of a square cost matrix to its columns, with its total cost.
 *
 * @param colForRow {@code colForRow[i]} is the column matched to row {@code i}; a permutation of
 *     {@code 0 .. n-1}
 * @param totalCost {@code sum_i cost[i][colForRow[i]]}, summed from the input costs
 */
public record Assignment(int[] colForRow, double totalCost) {

    /**
     * The number of rows (and columns).
     *
     * @return {@code n}
     */
    public int size() {
        return colForRow.length;
    }

    /**
     * The column matched to a row.
     *
     * @param row the row index
     * @return its column
     */
    public int col(int row) {
        return colForRow[row];
    }
}
