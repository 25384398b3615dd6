package dev.reflowkit.bench;

import dev.reflowkit.config.Config;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark: a training run, a sampling run or a matrix multiply, described completely enough
 * that ReflowKit and the PyTorch reference run the same work.
 *
 * @param name the short name, e.g. {@code unet-train}
 * @param kind what is measured
 * @param config the resolved configuration (model, batch sizes, solver, optimizer); unused by
 *     {@link Kind#MATMUL}
 * @param sampleShape the shape of one sample, e.g. {@code {2}} or {@code {1, 16, 16}}
 * @param batch samples per training step or per sampling batch; the matrix size for a matmul
 * @param warmup untimed steps or batches first (engine warm-up, allocator, kernels)
 * @param count timed steps (train), batches (sample) or multiplies (matmul)
 * @param nfe network evaluations per sample (sample only)
 * @param target the lowest acceptable ratio ReflowKit / PyTorch, NaN for none
 */
public record Workload(String name, Kind kind, Config config, long[] sampleShape, int batch, int warmup,
        int count, int nfe, double target) {

    /** What a workload measures. */
    public enum Kind {
        /** Flow-matching training steps (forward, loss, backward, clipping, Adam, EMA). */
        TRAIN,
        /** Sampling with the configured solver at a fixed NFE. */
        SAMPLE,
        /** A square float32 matrix multiply: the machine's practical peak. */
        MATMUL
    }

    /** Checks the counts. */
    public Workload {
        if (batch < 1 || warmup < 0 || count < 1 || (kind == Kind.SAMPLE && nfe < 1)) {
            throw new IllegalArgumentException("bad workload " + name + ": batch " + batch + ", warmup " + warmup
                    + ", count " + count + ", nfe " + nfe);
        }
        sampleShape = sampleShape.clone();
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
     * The workload as the PyTorch reference script reads it (see {@code torch_reference.py}).
     *
     * @return a JSON-ready map
     */
    public Map<String, Object> toSpec() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("name", name);
        w.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        if (kind == Kind.MATMUL) {
            w.put("size", batch);
            w.put("repeats", count);
            return w;
        }
        w.put("shape", Arrays.stream(sampleShape).boxed().toList());
        w.put("batch", batch);
        w.put("warmup", warmup);
        w.put("model", modelSpec(config));
        if (kind == Kind.TRAIN) {
            w.put("steps", count);
            w.put("pool", 2000); // random training points to draw batches from: content does not change the cost
            w.put("time_eps", config.getDouble("path.eps"));
            w.put("grad_clip", config.getDouble("train.grad_clip"));
            w.put("ema_beta", Math.pow(0.5, batch / config.getDouble("train.ema_halflife")));
            w.put("optimizer", Map.of(
                    "lr", config.getDouble("train.lr"),
                    "beta1", config.getDouble("train.beta1"),
                    "beta2", config.getDouble("train.beta2"),
                    "eps", config.getDouble("train.adam_eps"),
                    "warmup_steps", config.getInt("train.warmup_steps")));
        } else {
            w.put("batches", count);
            w.put("nfe", nfe);
        }
        return w;
    }

    private static Map<String, Object> modelSpec(Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("type", "activation")) {
            m.put(key, c.getString("model." + key));
        }
        for (String key : List.of("hidden", "depth", "time_dim", "channels", "res_blocks", "groups")) {
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
