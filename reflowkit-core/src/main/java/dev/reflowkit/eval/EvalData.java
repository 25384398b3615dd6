package dev.reflowkit.eval;

import dev.reflowkit.data.PointSet;

/**
 * Held-out data for evaluation: for each repeat, a reference sample to score against, and an
 * independent partner sample of the same size for the data-vs-data floor.
 */
public interface EvalData {

    /**
     * The reference sample of a repeat.
     *
     * @param repeat the repeat index
     * @param count the sample size
     * @return held-out points
     */
    PointSet reference(int repeat, int count);

    /**
     * The floor partner of a repeat: independent of {@link #reference} and of the training data.
     *
     * @param repeat the repeat index
     * @param count the sample size
     * @return held-out points
     */
    PointSet floorPartner(int repeat, int count);

    /**
     * A description of the data for reports.
     *
     * @return e.g. {@code "8gaussians"}
     */
    String describe();
}
