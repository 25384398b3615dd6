package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.config.Config;
import dev.reflowkit.eval.GridTuner;
import dev.reflowkit.eval.TunedGrids;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.solver.grid.UniformGrid;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grid named {@value #NAME} for one model: the grid recorded beside its checkpoint for the
 * solver and NFE ({@link TunedGrids}), or, if none is, one tuned now ({@link GridTuner}, with
 * {@code sample.tune_count}, {@code sample.tune_sweeps}, the run seed and the dopri5 reference of
 * {@code sample.atol}/{@code sample.rtol}) and recorded, so that each model and budget is tuned
 * once. A plan of one interval has nothing to tune: its grid is {@code [1, 0]}, not recorded. {@code sample}, {@code eval} and the pipeline resolve {@code --grid tuned} through it; {@code
 * reflow tune-grid} tunes anew with {@link #tune}.
 */
public final class GridTuning {

    /** The grid name that selects tuned grids: {@value}. */
    public static final String NAME = "tuned";

    /** The grids a tuning starts from and is compared with. */
    public static final String[] BASELINES = {"uniform", "edm", "sigmoid", "shifted"};

    private final Config config;
    private final VelocityField field;
    private final long[] sampleShape;
    private final NDManager manager;
    private final PrintStream out;
    private final TunedGrids grids;
    private GridTuner tuner;

    /**
     * Binds the tuning to a model.
     *
     * @param config the configuration (sample.* settings, seed)
     * @param checkpoint the model's checkpoint, beside which grids are recorded
     * @param field the model's (unguided) velocity field
     * @param sampleShape the shape of one sample
     * @param manager the manager for sampling
     * @param out where to report a tuning
     * @throws IOException if the checkpoint or its sidecar cannot be read
     */
    public GridTuning(Config config, Path checkpoint, VelocityField field, long[] sampleShape, NDManager manager,
            PrintStream out) throws IOException {
        this.config = config;
        this.field = field;
        this.sampleShape = sampleShape.clone();
        this.manager = manager;
        this.out = out;
        this.grids = TunedGrids.read(checkpoint);
    }

    /**
     * The tuned grid of a solver and NFE: the recorded one, or one tuned and recorded now.
     *
     * @param solver a fixed-step solver
     * @param nfe the NFE budget
     * @return the grid
     * @throws UncheckedIOException if the sidecar cannot be written
     */
    public TimeGrid grid(String solver, int nfe) {
        if (Samplers.steps(solver, nfe) == 1) {
            return new UniformGrid(); // one interval, [1, 0]: nothing to tune
        }
        return grids.find(solver, nfe).orElseGet(() -> tune(solver, nfe)).grid();
    }

    /**
     * The tuned grids recorded beside a checkpoint for a solver and NFE budgets, for a job that
     * cannot tune (a Spark evaluation's tasks): every budget of more than one interval must have
     * one, checked before any work starts; one-interval budgets need none ({@code [1, 0]}).
     *
     * @param checkpoint the model's checkpoint
     * @param solver a fixed-step solver
     * @param nfes the NFE budgets
     * @return the recorded grid times by NFE (one-interval budgets absent)
     * @throws IOException if the checkpoint or its sidecar cannot be read
     * @throws IllegalArgumentException naming the first budget without a recorded grid, and how to
     *     record one
     */
    public static Map<Integer, double[]> recorded(Path checkpoint, String solver, List<Integer> nfes)
            throws IOException {
        TunedGrids recorded = TunedGrids.read(checkpoint);
        Map<Integer, double[]> out = new LinkedHashMap<>();
        for (int nfe : nfes) {
            if (Samplers.steps(solver, nfe) == 1) {
                continue;
            }
            GridTuner.Result r = recorded.find(solver, nfe).orElseThrow(() -> new IllegalArgumentException("grid "
                    + NAME + ": no " + solver + " grid for NFE " + nfe + " is recorded beside " + checkpoint + " ("
                    + TunedGrids.sidecar(checkpoint) + "), and this job cannot tune one; run reflow tune-grid -m "
                    + checkpoint + " --solver " + solver + " --nfe " + nfe + " first, or choose another grid"));
            out.put(nfe, r.times());
        }
        return out;
    }

    /**
     * Tunes the grid of a solver and NFE anew and records it.
     *
     * @param solver a fixed-step solver
     * @param nfe the NFE budget
     * @return the tuned grid with the baselines' errors
     * @throws UncheckedIOException if the sidecar cannot be written
     */
    public GridTuner.Result tune(String solver, int nfe) {
        Map<String, TimeGrid> baselines = new LinkedHashMap<>();
        for (String name : BASELINES) {
            baselines.put(name, Components.grid(config, name));
        }
        if (tuner == null) {
            tuner = GridTuner.builder()
                    .setField(field)
                    .setSampleShape(sampleShape)
                    .setReference(Components.plan(config, "dopri5", "uniform", 0))
                    .optCount(config.getInt("sample.tune_count"))
                    .optSweeps(config.getInt("sample.tune_sweeps"))
                    .optSeed(config.getLong("seed"))
                    .optBatchSize(config.getInt("sample.batch_size"))
                    .build();
        }
        GridTuner.Result r = tuner.tune(solver, nfe, baselines, manager);
        StringBuilder base = new StringBuilder();
        r.baselineErrors().forEach((k, v) -> base.append(String.format(Locale.ROOT, ", %s %.4g", k, v)));
        out.println(String.format(Locale.ROOT, "tuned the %s grid at NFE %d in %.1f s (%d solves of %d samples):"
                + " error %.4g%s", solver, nfe, r.seconds(), r.evaluations(), r.count(), r.error(), base));
        try {
            grids.record(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r;
    }
}
