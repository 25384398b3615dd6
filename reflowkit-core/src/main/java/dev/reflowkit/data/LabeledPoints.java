package dev.reflowkit.data;

/**
 * A point set with an integer class label per point, for class-conditional models.
 *
 * @param points the points
 * @param labels the class of each point, length {@code points.n()}, each in {@code [0, classes)}
 * @param classes the number of classes
 */
public record LabeledPoints(PointSet points, int[] labels, int classes) {

    /**
     * Checks the labels against the points.
     *
     * @throws IllegalArgumentException if the label count differs from the point count, the class
     *     count is not positive or a label is out of range
     */
    public LabeledPoints {
        if (labels.length != points.n()) {
            throw new IllegalArgumentException("got " + labels.length + " labels for " + points.n() + " points");
        }
        if (classes <= 0) {
            throw new IllegalArgumentException("class count must be > 0, got " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of point " + i + " is outside [0, "
                        + classes + ")");
            }
        }
    }
}
