package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import java.util.List;
import java.util.Objects;

/**
 * Solver paths of an image model at one NFE, for a {@link TrajectoryStrip}: the states of the same
 * {@code n} images at every grid point, from the noise ({@code t = 1}) to the generated image
 * ({@code t = 0}).
 *
 * @param shape the shape of one image
 * @param paths the paths: model, NFE and states with {@code d = C*H*W}
 */
public record ModelImageTrajectories(ImageShape shape, ModelTrajectories paths) {

    /** Checks the fields. */
    public ModelImageTrajectories {
        Objects.requireNonNull(paths, "image trajectories: paths");
        Objects.requireNonNull(shape, "image trajectories of model '" + paths.model() + "': image shape");
        int d = paths.states().get(0).d();
        if (d != shape.size()) {
            throw new IllegalArgumentException("image trajectories of model '" + paths.model() + "' at NFE "
                    + paths.nfe() + ": states have " + d + " values per sample, but shape " + shape + " needs "
                    + shape.size());
        }
    }

    /**
     * Image paths from their parts.
     *
     * @param model the model name
     * @param nfe velocity evaluations per sample
     * @param shape the shape of one image
     * @param states one point set per grid point, noise first, at least two
     */
    public ModelImageTrajectories(String model, int nfe, ImageShape shape, List<PointSet> states) {
        this(shape, new ModelTrajectories(model, nfe, states));
    }

    /**
     * The model name.
     *
     * @return the name
     */
    public String model() {
        return paths.model();
    }

    /**
     * Velocity evaluations per sample.
     *
     * @return the NFE
     */
    public int nfe() {
        return paths.nfe();
    }

    /**
     * The states, one point set per grid point, noise first.
     *
     * @return the states
     */
    public List<PointSet> states() {
        return paths.states();
    }
}
