package dev.reflowkit.bench;

import dev.reflowkit.config.Config;
import dev.reflowkit.pipeline.Components;
import dev.reflowkit.solver.HeunSolver;
import dev.reflowkit.solver.SamplerPlan;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark: a training run, a sampling run or a matrix multiply, described completely enough
 * that ReflowKit and the PyTorch reference run the same work.
 *
 * @param name the short name, e.g. {@code unet-train} ({@code unet-train-net} for the network alone)
 * @param kind what is measured
 * @param scope the whole step or batch, or the network alone
 * @param config the resolved configuration (model, batch sizes, solver, optimizer); unused by
 *     {@link Kind#MATMUL}
 * @param sampleShape the shape of one sample, e.g. {@code {2}} or {@code {1, 16, 16}}
 * @param batch samples per training step or per sampling batch; the matrix size for a matmul
 * @param warmup untimed steps or batches first (engine warm-up, allocator, kernels)
 * @param count timed steps (train), batches (sample) or multiplies (matmul)
 * @param nfe network evaluations per sample (sample only)
 * @param target the lowest acceptable ratio ReflowKit / PyTorch, NaN for none
 */
public record Workload(String name, Kind kind, Scope scope, Config config, long[] sampleShape, int batch, int warmup,
        int count, int nfe, double target) {

    /** The suffix of a network-alone workload's name. */
    public static final String NETWORK_SUFFIX = "-net";

    /** What a workload measures. */
    public enum Kind {
        /** Flow-matching training steps (forward, loss, backward, clipping, Adam, EMA). */
        TRAIN,
        /** Sampling with the configured solver at a fixed NFE. */
        SAMPLE,
        /** A square float32 matrix multiply: the machine's practical peak. */
        MATMUL
    }

    /** How much of a training step or sampling batch is timed. */
    public enum Scope {
        /**
         * The whole step or batch: for training the batch draw, forward, loss, backward, clipping,
         * Adam, EMA and logging; for sampling the noise, the solve and the result's check.
         */
        STEP,
        /**
         * The network alone: for training one forward pass, the loss and the backward pass on a fixed
         * batch (gradients accumulate); for sampling a batch's NFE forward passes on a fixed input,
         * without a graph. The difference to {@link #STEP} is what each side spends around its
         * network.
         */
        NETWORK
    }

    /** Checks the counts. */
    public Workload {
        if (batch < 1 || warmup < 0 || count < 1 || (kind == Kind.SAMPLE && nfe < 1)) {
            throw new IllegalArgumentException("bad workload " + name + ": batch " + batch + ", warmup " + warmup
                    + ", count " + count + ", nfe " + nfe);
        }
        if (kind == Kind.MATMUL && scope != Scope.STEP) {
            throw new IllegalArgumentException(name + ": a matmul has no network to time alone");
        }
        sampleShape = sampleShape.clone();
    }

    /**
     * A whole-step workload.
     *
     * @param name the name
     * @param kind what is measured
     * @param config the configuration
     * @param sampleShape the shape of one sample
     * @param batch samples per step or batch, or the matrix size
     * @param warmup untimed units
     * @param count timed units
     * @param nfe network evaluations per sample (sample only)
     * @param target the lowest acceptable ratio, NaN for none
     */
    public Workload(String name, Kind kind, Config config, long[] sampleShape, int batch, int warmup, int count,
            int nfe, double target) {
        this(name, kind, Scope.STEP, config, sampleShape, batch, warmup, count, nfe, target);
    }

    /**
     * The same workload with the network alone timed: named with {@link #NETWORK_SUFFIX}, with the
     * whole step's target (issue 22 asks both to keep up with PyTorch).
     *
     * @return the network-alone workload
     */
    public Workload networkAlone() {
        if (kind == Kind.MATMUL || scope == Scope.NETWORK) {
            throw new IllegalArgumentException(name + " has no network-alone variant");
        }
        return new Workload(name + NETWORK_SUFFIX, kind, Scope.NETWORK, config, sampleShape, batch, warmup, count, nfe,
                target);
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /**
     * The items one timed unit processes: samples per step or batch, or FLOPs per multiply.
     *
     * @return the batch size, or {@code 2 n^3} for a matmul
     */
    public double itemsPerUnit() {
        return kind == Kind.MATMUL ? 2.0 * batch * batch * batch : batch;
    }

    /**
     * The sampling plan of a sampling workload: {@code sample.solver} and {@code sample.grid} at
     * the workload's NFE, as {@code reflow sample} builds it.
     *
     * @return the plan
     */
    public SamplerPlan plan() {
        if (kind != Kind.SAMPLE) {
            throw new IllegalStateException(name + " is not a sampling workload");
        }
        return Components.plan(config, config.getString("sample.solver"), config.getString("sample.grid"), nfe);
    }

    /**
     * The lanes a training step of this workload runs in on this machine ({@code train.lanes},
     * resolved as the trainer resolves it).
     *
     * @return the number of lanes, 1 for sampling and matrix products
     */
    public int lanes() {
        return kind == Kind.TRAIN ? Components.lanes(config) : 1;
    }

    /**
     * The workload as the PyTorch reference script reads it (see {@code torch_reference.py}): every
     * setting the script uses, taken from the same configuration ReflowKit runs, so that the
     * reference implements it or refuses it (the script checks every key and value).
     *
     * @return a JSON-ready map
     */
    public Map<String, Object> toSpec() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("name", name);
        w.put("kind", kind.name().toLowerCase(Locale.ROOT));
        if (kind == Kind.MATMUL) {
            w.put("size", batch);
            w.put("repeats", count);
            return w;
        }
        w.put("scope", scope.name().toLowerCase(Locale.ROOT));
        w.put("shape", Arrays.stream(sampleShape).boxed().toList());
        w.put("batch", batch);
        w.put("warmup", warmup);
        w.put("model", modelSpec(config));
        if (kind == Kind.TRAIN) {
            w.put("steps", count);
            w.put("pool", 2000); // random training points to draw batches from: content does not change the cost
            w.put("path", "linear"); // ReflowKit's only path: x_t = x0 + t (x1 - x0), target x1 - x0
            w.put("time", Map.of("distribution", config.getString("path.time"), "eps", config.getDouble("path.eps")));
            w.put("loss", Map.of("type", config.getString("loss.type"), "weight", config.getString("loss.weight")));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", config.getString("train.optimizer"));
            o.put("lr", config.getDouble("train.lr"));
            o.put("beta1", config.getDouble("train.beta1"));
            o.put("beta2", config.getDouble("train.beta2"));
            o.put("eps", config.getDouble("train.adam_eps"));
            o.put("weight_decay", config.getDouble("train.weight_decay"));
            o.put("warmup_steps", config.getInt("train.warmup_steps"));
            o.put("decay", config.getString("train.lr_decay"));
            o.put("total_steps", warmup + count); // ReflowKit's run length: warm-up and timed steps
            w.put("optimizer", o);
            w.put("grad_clip", config.getDouble("train.grad_clip"));
            w.put("ema", Map.of("halflife_samples", config.getDouble("train.ema_halflife"),
                    "rampup", config.getDouble("train.ema_rampup")));
            w.put("lanes", lanes()); // both sides split the network passes alike (GradientLanes)
        } else {
            w.put("batches", count);
            w.put("nfe", nfe);
            SamplerPlan plan = plan();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", plan.solver().name());
            s.put("last_step", plan.solver() instanceof HeunSolver h ? h.lastStep().name().toLowerCase(Locale.ROOT)
                    : "none");
            s.put("grid", Arrays.stream(plan.grid()).boxed().toList());
            w.put("solver", s);
        }
        return w;
    }

    private static Map<String, Object> modelSpec(Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("type", "activation")) {
            m.put(key, c.getString("model." + key));
        }
        for (String key : List.of("hidden", "depth", "time_dim", "classes", "channels", "res_blocks", "groups")) {
            m.put(key, c.getInt("model." + key));
        }
        m.put("time_scale", c.getDouble("model.time_scale"));
        m.put("dropout", c.getDouble("model.dropout"));
        m.put("channel_mult", c.getIntList("model.channel_mult"));
        m.put("attention_resolutions", c.getIntList("model.attention_resolutions"));
        m.put("mid_attention", c.getBoolean("model.mid_attention"));
        m.put("upsample_conv", c.getBoolean("model.upsample_conv"));
        return m;
    }
}
