package dev.reflowkit.solver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.solver.grid.UniformGrid;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The default sampler's error against the adaptive solution, NFE 1 to 12 on the default (uniform)
 * grid: it never grows with the NFE on the linear, rotating and constant fields, and where it does
 * on the nonlinear field it grows far less than EDM's Euler last step makes it grow.
 */
class SamplerMonotonicityTest {

    private static double[] errors(String solver, VelocityField field, NDArray x, int from, int to, int by) {
        NDArray ref = DormandPrinceSolver.builder().optAtol(1e-7).optRtol(1e-7).build()
                .solve(field, x, new double[] {1, 0}, false, null).x();
        double[] e = new double[to + 1];
        for (int nfe = from; nfe <= to; nfe += by) {
            NDArray y = Samplers.plan(solver, new UniformGrid(), nfe, 1, 0).sample(field, x, false, null).x();
            e[nfe] = y.sub(ref).square().sum(new int[] {1}).mean().getFloat();
        }
        return e;
    }

    @Test
    void errorNeverGrowsWithTheNfeOnSmoothFields() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {0.5f, -1f, 2f, 0.3f, -1.5f, 1f, 0f, 0.8f}, new Shape(4, 2));
            Map<String, VelocityField> fields = Map.of(
                    "linear", AnalyticFields.linear(0.8),
                    "rotation", (s, t) -> s.matMul(s.getManager().create(new float[][] {{0, 2f}, {-2f, 0}})),
                    "constant", AnalyticFields.constant(m.create(new float[] {1f, -2f})));
            fields.forEach((name, field) -> {
                double[] e = errors("heun", field, x, 1, 12, 1);
                for (int nfe = 2; nfe <= 12; nfe++) {
                    assertTrue(e[nfe] <= e[nfe - 1] * (1 + 1e-6) + 1e-10, String.format(Locale.ROOT,
                            "%s: error %.3g at NFE %d after %.3g at NFE %d", name, e[nfe], nfe, e[nfe - 1], nfe - 1));
                }
            });
        }
    }

    /**
     * On the nonlinear field the midpoint last step of NFE 4 happens to cancel part of Heun's error
     * (measured: 0.0023 at NFE 4, 0.0045 at 5), but EDM's Euler last step is far worse at every odd
     * budget (0.0175 at 5).
     */
    @Test
    void oddBudgetsLoseFarLessThanWithEdmsEulerLastStep() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.create(new float[] {0.5f, -1f, 2f, 0.3f, -1.5f, 1f, 0f, 0.8f}, new Shape(4, 2));
            double[] ours = errors("heun", AnalyticFields.nonlinear(), x, 2, 12, 1);
            double[] edm = errors("heun-edm", AnalyticFields.nonlinear(), x, 3, 11, 2);
            for (int odd = 3; odd <= 11; odd += 2) {
                assertTrue(ours[odd] < edm[odd], "NFE " + odd + ": " + ours[odd] + " vs EDM " + edm[odd]);
                assertTrue(ours[odd] <= 2.5 * ours[odd - 1], "NFE " + odd + ": " + ours[odd] + " after " + ours[odd - 1]);
                if (odd >= 5) {
                    assertTrue(edm[odd] > ours[odd - 1], "EDM at NFE " + odd + " is worse than NFE " + (odd - 1));
                }
            }
        }
    }
}
