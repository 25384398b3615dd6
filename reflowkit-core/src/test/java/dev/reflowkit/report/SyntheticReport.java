package dev.reflowkit.report;

import dev.reflowkit.data.PointSet;
import dev.reflowkit.data.Toy2d;
import dev.reflowkit.eval.EvalRun;
import dev.reflowkit.eval.MetricsReport;
import dev.reflowkit.metrics.MetricSummary;
import dev.reflowkit.metrics.MetricSummaries;
import java.util.Map;
import java.util.LinkedHashMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A report filled with made-up but plausible numbers and points: a teacher with curved paths, a
 * ReFlow model (with a name that needs escaping) with straight ones, hostile text everywhere.
 */
final class SyntheticReport {

    static final String TEACHER = "teacher";
    static final String REFLOW = "2-ReFlow <fast> & 'co'";
    static final String TITLE = "Report <script>alert(\"x\")</script> & more";
    static final String YAML = "data:\n  source: \"<b>moons</b>\"\nnote: 'a & b < c'\n";
    static final int[] SAMPLE_NFES = {1, 2, 8};
    static final int[] CURVE_NFES = {1, 2, 4, 8, 16};
    static final int PATHS = 64;

    private SyntheticReport() {}

    /** The metrics: floor with a slightly negative MMD (linear MMD axis), three lines, one adaptive run. */
    static MetricsReport metrics() {
        List<EvalRun> runs = new ArrayList<>();
        for (int nfe : CURVE_NFES) {
            runs.add(run(TEACHER, "heun", "uniform", nfe, 0.05 + 1.2 / nfe));
        }
        runs.add(run(TEACHER, "dopri5", "adaptive", 38.4, 0.06));
        for (int nfe : CURVE_NFES) {
            runs.add(run(REFLOW, "heun", "uniform", nfe, 0.05 + 0.2 / nfe));
            runs.add(run(REFLOW, "euler", "uniform", nfe, 0.05 + 0.4 / nfe));
        }
        MetricSummaries floor = points(new MetricSummary(0.05, 0.004, 3),
                new MetricSummary(8e-4, 2e-4, 3), new MetricSummary(-2e-5, 1e-5, 3));
        return new MetricsReport("8gaussians", 1000, 3, floor, runs);
    }

    private static EvalRun run(String model, String solver, String grid, double nfe, double w2) {
        MetricSummaries m = points(new MetricSummary(w2, w2 * 0.1, 3),
                new MetricSummary(w2 * w2 * 0.3, w2 * w2 * 0.05, 3), new MetricSummary(w2 * w2 * 0.01, 1e-5, 3));
        return new EvalRun(model, solver, grid, nfe, m, 0.5 + nfe / 10);
    }

    /** The full report: metrics, reference, samples for both models at {@link #SAMPLE_NFES}, paths for both. */
    static ReportData build() {
        PointSet reference = Toy2d.generate("8gaussians", 1500, 1);
        ReportData.Builder b = ReportData.builder()
                .setTitle(TITLE)
                .optDate(Instant.parse("2026-11-26T10:15:30Z"))
                .addFact("java", "17 <openjdk>")
                .addFact("cpus", 2)
                .addMetrics(metrics())
                .optReference(reference)
                .optConfigYaml(YAML);
        for (String model : List.of(TEACHER, REFLOW)) {
            for (int nfe : SAMPLE_NFES) {
                double blur = (model.equals(TEACHER) ? 1.5 : 0.5) / nfe;
                b.addSamples(model, nfe, blurred(Toy2d.generate("8gaussians", 1000, 2 + nfe), blur, nfe));
            }
        }
        b.addTrajectories(TEACHER, 8, paths(0.9, 9));
        b.addTrajectories(REFLOW, 2, paths(0.0, 3));
        return b.build();
    }

    /** Points with Gaussian noise of standard deviation {@code sigma} added. */
    static PointSet blurred(PointSet p, double sigma, long seed) {
        Random rng = new Random(seed);
        float[] out = p.data().clone();
        for (int k = 0; k < out.length; k++) {
            out[k] += (float) (sigma * rng.nextGaussian());
        }
        return new PointSet(p.n(), p.d(), out);
    }

    /**
     * {@link #PATHS} paths from Gaussian noise (t = 1) to 8gaussians points (t = 0) over {@code states}
     * uniform times, bent sideways by {@code bend * sin(pi t)} (0 gives straight lines).
     */
    static List<PointSet> paths(double bend, int states) {
        PointSet data = Toy2d.generate("8gaussians", PATHS, 7);
        Random rng = new Random(11);
        float[] noise = new float[2 * PATHS];
        for (int k = 0; k < noise.length; k++) {
            noise[k] = (float) rng.nextGaussian();
        }
        List<PointSet> out = new ArrayList<>();
        for (int s = 0; s < states; s++) {
            double t = 1 - s / (double) (states - 1);
            float[] xy = new float[2 * PATHS];
            for (int i = 0; i < PATHS; i++) {
                double dx = data.get(i, 0) - noise[2 * i];
                double dy = data.get(i, 1) - noise[2 * i + 1];
                double off = bend * Math.sin(Math.PI * t);
                xy[2 * i] = (float) ((1 - t) * data.get(i, 0) + t * noise[2 * i] - off * dy / Math.hypot(dx, dy));
                xy[2 * i + 1] = (float) ((1 - t) * data.get(i, 1) + t * noise[2 * i + 1] + off * dx / Math.hypot(dx, dy));
            }
            out.add(new PointSet(PATHS, 2, xy));
        }
        return out;
    }

    /** The number of embedded images {@link #build()} gives: 3 curves, the scatters, 2 trajectory charts. */
    static int imageCount() {
        return 3 + 2 * SAMPLE_NFES.length + 2;
    }

    /** W2, energy and MMD summaries in the point-cloud metrics' order. */
    static MetricSummaries points(MetricSummary w2, MetricSummary energy, MetricSummary mmd) {
        Map<String, MetricSummary> m = new LinkedHashMap<>();
        m.put("w2", w2);
        m.put("energy", energy);
        m.put("mmd", mmd);
        return new MetricSummaries(m);
    }
}
