package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;

/** Comparisons of arrays shared by the field tests. */
final class FieldAssertions {

    private FieldAssertions() {}

    /**
     * The largest absolute element-wise difference.
     *
     * @param a an array
     * @param b an array of the same size
     * @return max |a - b|
     */
    static double maxAbsDiff(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
