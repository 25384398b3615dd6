package dev.reflowkit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.data.PointSet;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.GuidedField;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.sampling.SeededNoise;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.UniformGrid;
import dev.reflowkit.train.StepRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Trajectory metrics of whole evaluations on analytic fields. */
class SampleEvaluationTest {

    private static final int COUNT = 24;
    private static final int REPEATS = 2;
    private static final long SEED = 17;
    private static final long[] SHAPE = {2};

    /** Held-out "data": standard normal points, a fresh draw per repeat and role. */
    private static final EvalData DATA = new EvalData() {
        @Override
        public PointSet reference(int repeat, int count) {
            return gaussian(count, 100 + repeat);
        }

        @Override
        public PointSet floorPartner(int repeat, int count) {
            return gaussian(count, 200 + repeat);
        }

        @Override
        public String describe() {
            return "gaussian";
        }
    };

    private static PointSet gaussian(int n, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return new PointSet(n, 2, x);
    }

    private static SampleEvaluation evaluation(int batchSize) {
        return new SampleEvaluation(DATA, COUNT, REPEATS, SEED, batchSize);
    }

    private static EvalSetting fixed(String solver, int nfe) {
        return new EvalSetting(solver, "uniform", Samplers.plan(solver, new UniformGrid(), nfe, 1.0, 0.0));
    }

    private static EvalSetting reference(double tol) {
        DormandPrinceSolver dopri = DormandPrinceSolver.builder().optAtol(tol).optRtol(tol).build();
        return new EvalSetting("dopri5", SampleEvaluation.ADAPTIVE_GRID, new SamplerPlan(dopri, new double[] {1, 0}, 0));
    }

    private static List<EvalRun> run(VelocityField field, List<EvalSetting> settings, double tol) {
        try (NDManager m = Engines.newManager()) {
            List<EvalRun> seen = new ArrayList<>();
            List<EvalRun> runs = evaluation(7).evaluateWithReference("m", field, SHAPE, settings, reference(tol), m,
                    seen::add);
            assertEquals(settings.size() + 1, runs.size());
            assertEquals(runs.get(runs.size() - 1), seen.get(0), "the reference is reported first");
            return runs;
        }
    }

    @Test
    void constantFieldIsStraightAndItsFewStepSamplesEqualTheReference() {
        List<EvalRun> runs = run(Fields.constant(0.5f, -1f), List.of(fixed("euler", 1), fixed("heun", 2)), 1e-5);
        EvalRun ref = runs.get(2);
        assertEquals("dopri5", ref.solver());
        assertTrue(ref.isAdaptive());
        assertNull(ref.trajectory().discretizationError(), "no discretization error for the reference itself");
        assertEquals(1.0, runs.get(0).nfe());
        assertEquals(2.0, runs.get(1).nfe());
        for (EvalRun r : runs) {
            TrajectorySummary t = r.trajectory();
            assertEquals(0, t.straightness().mean(), 1e-8, r.solver());
            // every sample moves by exactly (0.5, -1): ||x1 - x0||^2 = 1.25
            assertEquals(1.25, t.transportCost().mean(), 1e-5, r.solver());
            assertEquals(REPEATS, t.transportCost().count());
            if (!r.isAdaptive()) {
                assertTrue(t.discretizationError().mean() < 1e-10, r.solver() + " " + t.discretizationError());
                assertTrue(t.discretizationRms().mean() < 1e-5, r.solver() + " " + t.discretizationRms());
            }
        }
    }

    @Test
    void oneEulerStepOfALinearFieldHasTheExactDiscretizationErrorOnTheSameNoise() {
        // Euler: x0 = (1 - lambda) x1; exact: exp(-lambda) x1; error = (exp(-lambda) - 1 + lambda)^2 |x1|^2
        float lambda = 1f;
        List<EvalRun> runs = run(Fields.linear(lambda), List.of(fixed("euler", 1)), 1e-6);
        double gap = Math.exp(-lambda) - (1 - lambda);
        double mse = 0;
        double rms = 0;
        for (int r = 0; r < REPEATS; r++) {
            float[] noise = SeededNoise.normal(StepRandom.derive(SEED, r, SampleEvaluation.STREAM_NOISE), 0, COUNT, 2);
            double norm2 = 0;
            for (float v : noise) {
                norm2 += (double) v * v;
            }
            double e = gap * gap * norm2 / COUNT;
            mse += e / REPEATS;
            rms += Math.sqrt(e) / REPEATS;
        }
        TrajectorySummary t = runs.get(0).trajectory();
        assertEquals(mse, t.discretizationError().mean(), 1e-4 * mse);
        assertEquals(rms, t.discretizationRms().mean(), 1e-4 * rms);
        assertTrue(t.discretizationError().std() > 0, "two repeats with different noise");
        // a radial path at varying speed: the reference's straightness is positive, one step's is 0
        assertEquals(0, t.straightness().mean(), 1e-12);
        assertTrue(runs.get(1).trajectory().straightness().mean() > 1e-3);
    }

    @Test
    void rotationIsCurvedAndMoreStepsShrinkTheDiscretizationError() {
        List<EvalRun> runs = run(Fields.rotation(1.5f),
                List.of(fixed("euler", 1), fixed("euler", 4), fixed("euler", 16), fixed("heun", 4)), 1e-5);
        double e1 = runs.get(0).trajectory().discretizationError().mean();
        double e4 = runs.get(1).trajectory().discretizationError().mean();
        double e16 = runs.get(2).trajectory().discretizationError().mean();
        double heun = runs.get(3).trajectory().discretizationError().mean();
        assertTrue(e1 > e4 && e4 > e16 && e16 > 0, e1 + " > " + e4 + " > " + e16);
        assertTrue(heun < e4, "heun " + heun + " vs euler " + e4 + " at 4 NFE");
        assertEquals(0, runs.get(0).trajectory().straightness().mean(), 1e-12, "one step is a straight line");
        double sRef = runs.get(4).trajectory().straightness().mean();
        double s16 = runs.get(2).trajectory().straightness().mean();
        assertTrue(s16 > 0.1 && sRef > 0.1, "curved: " + s16 + ", " + sRef);
    }

    @Test
    void aGuidedFieldCountsBothNetworksInTheReportedNfe() {
        VelocityField guided = new GuidedField(Fields.constant(1, 0), Fields.constant(0, 1), 2);
        List<EvalRun> runs = run(guided, List.of(fixed("heun", 3)), 1e-4);
        assertEquals(6.0, runs.get(0).nfe(), "3 guided evaluations = 6 network evaluations");
        assertEquals(0, runs.get(1).nfe() % 2, 1e-9, "adaptive: an even count " + runs.get(1).nfe());
        // v = (0, 1) + 2 ((1, 0) - (0, 1)) = (2, -1): ||x1 - x0||^2 = 5
        assertEquals(5, runs.get(0).trajectory().transportCost().mean(), 1e-5);
    }

    @Test
    void plainEvaluateMeasuresTrajectoriesWithoutAReferenceAndIgnoresTheBatchSize() {
        try (NDManager m = Engines.newManager()) {
            EvalSetting s = fixed("heun", 4);
            EvalRun a = evaluation(5).evaluate("m", Fields.rotation(1), SHAPE, s.plan(), "heun", "uniform", m);
            EvalRun b = evaluation(COUNT).evaluate("m", Fields.rotation(1), SHAPE, s.plan(), "heun", "uniform", m);
            assertNotNull(a.trajectory());
            assertNull(a.trajectory().discretizationError());
            assertEquals(b.trajectory().straightness().mean(), a.trajectory().straightness().mean(), 1e-9);
            assertEquals(b.metrics().get("w2").mean(), a.metrics().get("w2").mean(), 1e-9);
            assertTrue(a.trajectory().straightness().mean() > 0);
        }
    }
}
