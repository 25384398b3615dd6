package dev.reflowkit.bench;

import dev.reflowkit.config.Config;
import dev.reflowkit.config.ConfigLoader;
import dev.reflowkit.config.ReflowConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard benchmark workloads: the 2-D MLP of the demo (batch 512) and the MNIST U-Net of
 * {@code configs/mnist.yaml} (16x16, batch 64), each trained, sampled at 9 NFE and sampled at its
 * pair-generation NFE, each as a whole step or batch and as its network alone, plus a matrix
 * multiply for the machine's peak. Targets (issue 22, like for like): ratio ReflowKit / PyTorch at
 * least 1.0 for every training and sampling row, whole step or batch and network alone (issue 5
 * had asked 0.8 of the MLP training step).
 */
public final class BenchSuite {

    /** The 2-D MLP: the demo's defaults. */
    public static final List<String> MLP = List.of("data.source=8gaussians");

    /**
     * The MNIST U-Net: the data, model, batch and pair settings of {@code configs/mnist.yaml}
     * (a test checks they agree), on synthetic 16x16 images so the benchmark needs no download.
     */
    public static final List<String> UNET = List.of(
            "data.source=synthetic-shapes:2000", "data.resolution=16", "data.channels=1",
            "model.type=unet", "model.channels=16", "model.channel_mult=[1,2,2]", "model.res_blocks=1",
            "model.attention_resolutions=[]", "model.mid_attention=true", "model.groups=4", "model.dropout=0.1",
            "model.time_dim=64", "train.batch_size=64", "train.lr=7.0e-4", "train.warmup_steps=200",
            "train.grad_clip=1.0", "train.ema_halflife=50000.0", "sample.batch_size=500",
            "pairs.solver=heun", "pairs.nfe=21", "pairs.batch_size=500");

    private BenchSuite() {}

    /**
     * The standard workloads.
     *
     * @param quick fewer timed steps and batches (a smoke run, noisier figures)
     * @return the workloads, in run order
     */
    public static List<Workload> standard(boolean quick) {
        return standard(quick, 0);
    }

    /**
     * The standard workloads with the training steps in given lanes.
     *
     * @param quick fewer timed steps and batches (a smoke run, noisier figures)
     * @param lanes {@code train.lanes} of the training workloads, 0 for the automatic choice
     * @return the workloads, in run order
     */
    public static List<Workload> standard(boolean quick, int lanes) {
        List<String> lane = List.of("train.lanes=" + lanes);
        int q = quick ? 5 : 1;
        List<Workload> out = new ArrayList<>();
        out.add(new Workload("matmul-1024", Workload.Kind.MATMUL, null, new long[0], 1024, 3, 30 / q, 0, Double.NaN));
        // MLP sampling batches take 30-400 ms: enough of them that each paired turn lasts most of a
        // second, not 0.13 s (docs/PERFORMANCE.md, "Rounds and turns").
        out.addAll(model("mlp", config(concat(MLP, lane)), new long[] {2}, 50, 1000 / q, Math.max(2, 10 / q), 100 / q, 2,
                Math.max(1, 10 / q)));
        out.addAll(model("unet", config(concat(UNET, lane)), new long[] {1, 16, 16}, 10, 100 / q, 1, Math.max(1, 4 / q), 1,
                Math.max(1, 2 / q)));
        return out;
    }

    /**
     * One network's workloads, each whole step or batch followed by its network alone; each must
     * keep up with PyTorch (issue 22): target 1.
     */
    private static List<Workload> model(String name, Config c, long[] shape, int trainWarmup,
            int trainSteps,
            int sampleWarmup, int sampleBatches, int pairWarmup, int pairBatches) {
        int pairNfe = c.getInt("pairs.nfe");
        List<Workload> whole = List.of(
                new Workload(name + "-train", Workload.Kind.TRAIN, c, shape, c.getInt("train.batch_size"),
                        trainWarmup, trainSteps, 0, 1.0),
                new Workload(name + "-sample-9", Workload.Kind.SAMPLE, c, shape, c.getInt("sample.batch_size"),
                        sampleWarmup, sampleBatches, 9, 1.0),
                new Workload(name + "-sample-" + pairNfe, Workload.Kind.SAMPLE,
                        c.with("sample.solver", c.getString("pairs.solver")).with("sample.grid", c.getString("pairs.grid")),
                        shape, c.getInt("pairs.batch_size"), pairWarmup, pairBatches, pairNfe, 1.0));
        List<Workload> out = new ArrayList<>();
        for (Workload w : whole) {
            out.add(w);
            out.add(w.networkAlone());
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * A resolved configuration: the defaults with overrides.
     *
     * @param overrides {@code key=value} settings
     * @return the configuration
     */
    public static Config config(List<String> overrides) {
        return ConfigLoader.load(ReflowConfig.schema(), null, overrides);
    }
}
