package dev.reflowkit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchRowTest {

    private static Measurement items(double perSecond) {
        return new Measurement(1, 1, perSecond, 100, 10);
    }

    private static Workload workload(String name, Workload.Kind kind) {
        return new Workload(name, kind, BenchSuite.config(BenchSuite.MLP), new long[] {2}, 8, 1, 2,
                kind == Workload.Kind.SAMPLE ? 9 : 0, 1.0);
    }

    @Test
    void ratioIsOfMediansAndRangeIsPerRound() {
        BenchRow row = new BenchRow(workload("unet-train", Workload.Kind.TRAIN),
                List.of(items(90), items(120), items(100)), List.of(items(100), items(100), items(200)), List.of(),
                3e6);
        assertEquals(100, row.reflowkitItemsPerSecond(), 1e-12);
        assertEquals(100, row.torchItemsPerSecond(), 1e-12);
        assertEquals(1.0, row.ratio(), 1e-12);
        assertArrayEquals(new double[] {0.5, 1.2}, row.ratioRange(), 1e-12);
        assertEquals(0.3, row.gflops(row.reflowkit()), 1e-12);
        assertEquals(1.0, row.target());
    }

    @Test
    void theCompositeIsComparedWithTheFirstRound() {
        BenchRow row = new BenchRow(workload("unet-train", Workload.Kind.TRAIN),
                List.of(items(150), items(100), items(100)), List.of(items(100), items(100), items(100)),
                List.of(items(120)), 3e6);
        assertEquals(150 / 120.0, row.compositeRatio(), 1e-12, "the round the composite shared, not the median");
        assertTrue(Double.isNaN(new BenchRow(workload("unet-train", Workload.Kind.TRAIN), List.of(items(1)),
                List.of(items(1)), List.of(), 1).compositeRatio()));
    }

    @Test
    void targetsFollowTheIssue() {
        List<Workload> suite = BenchSuite.standard(false);
        for (Workload w : suite) {
            // Issue 22: every training and sampling row, whole or network alone, at least 1.0.
            double expected = w.kind() == Workload.Kind.MATMUL ? Double.NaN : 1.0;
            assertEquals(expected, new BenchRow(w, List.of(), List.of(), List.of(), 1).target(), w.name());
        }
    }

    @Test
    void withoutReferenceTheRatioIsUnknown() {
        BenchRow row = new BenchRow(workload("mlp-train", Workload.Kind.TRAIN), List.of(items(5), items(7)),
                List.of(), List.of(), 1);
        assertEquals(6, row.reflowkitItemsPerSecond(), 1e-12);
        assertTrue(Double.isNaN(row.ratio()));
        assertTrue(Double.isNaN(row.ratioRange()[0]));
    }
}
