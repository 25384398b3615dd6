package dev.reflowkit.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.reflowkit.config.Config;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.loss.LossWeights;
import dev.reflowkit.loss.Losses;
import dev.reflowkit.model.ActivationKind;
import dev.reflowkit.model.ImportedModule;
import dev.reflowkit.model.MlpVelocityNet;
import dev.reflowkit.model.TorchScriptVelocityNet;
import dev.reflowkit.model.UNetVelocityNet;
import dev.reflowkit.solver.DormandPrinceSolver;
import dev.reflowkit.solver.SamplerPlan;
import dev.reflowkit.solver.Samplers;
import dev.reflowkit.solver.grid.TimeGrid;
import dev.reflowkit.solver.grid.TimeGrids;
import dev.reflowkit.time.TimeDistribution;
import dev.reflowkit.time.TimeDistributions;
import dev.reflowkit.train.AdamOptimizer;
import dev.reflowkit.train.GradientLanes;
import dev.reflowkit.train.LrSchedule;
import dev.reflowkit.train.StepRandom;
import dev.reflowkit.train.TrainSettings;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the parts of a run from a resolved {@link Config}: the model, the time distribution,
 * the loss, the optimization settings and sampler plans. The one place that maps config keys to
 * objects.
 */
public final class Components {

    /** The model type of an imported TorchScript network: {@value}. */
    public static final String TORCHSCRIPT = "torchscript";

    private Components() {}

    /**
     * Builds and initializes the velocity network (seeded from the run seed): an
     * {@link MlpVelocityNet} for {@code model.type mlp} (flat samples {@code {d}}) or a
     * {@link UNetVelocityNet} for {@code model.type unet} (image samples {@code {C, H, W}}).
     *
     * @param config the configuration ({@code model.*})
     * @param sampleShape the shape of one sample
     * @param manager the manager that will own the parameters
     * @return the initialized block
     * @throws IllegalArgumentException if the sample shape does not suit the model type, or the
     *     unet settings do not suit the shape (e.g. H not divisible by 2^(levels-1))
     */
    public static Block model(Config config, long[] sampleShape, NDManager manager) {
        return model(config, sampleShape, manager, null);
    }

    /**
     * Builds the velocity network, or for {@code model.type torchscript} wraps an imported module
     * ({@link TorchScriptVelocityNet}; its parameters arrive with it).
     *
     * @param config the configuration ({@code model.*})
     * @param sampleShape the shape of one sample
     * @param manager the manager that will own the parameters
     * @param module the imported module, needed for {@code model.type torchscript}; else ignored
     * @return the initialized block
     * @throws IllegalArgumentException if the shape does not suit the model, or a torchscript model
     *     lacks its module
     */
    public static Block model(Config config, long[] sampleShape, NDManager manager, ImportedModule module) {
        String type = config.getString("model.type");
        if (type.equals(TORCHSCRIPT)) {
            if (module == null) {
                throw new IllegalArgumentException("model.type torchscript is an imported network: it is built from"
                        + " the TorchScript module of its checkpoint (reflow import)");
            }
            if (!Arrays.equals(module.sampleShape(), sampleShape)) {
                throw new IllegalArgumentException("the imported module takes samples of shape "
                        + Arrays.toString(module.sampleShape()) + ", not " + Arrays.toString(sampleShape));
            }
            return new TorchScriptVelocityNet(module, manager);
        }
        Block net = switch (type) {
            case "mlp" -> mlp(config, sampleShape);
            case "unet" -> unet(config, sampleShape);
            default -> throw new IllegalArgumentException("unknown model.type '" + type + "'");
        };
        Engines.engine().setRandomSeed((int) StepRandom.derive(config.getLong("seed"), 0, Streams.MODEL_INIT));
        Shape x = new Shape(1).addAll(new Shape(sampleShape));
        net.initialize(manager, DataType.FLOAT32, x, new Shape(1));
        return net;
    }

    /**
     * Checks that the configured network suits a sample shape, without creating its parameters:
     * what {@link #model} would refuse (an mlp for images, a unet for flat samples, unet levels
     * that do not divide the image, attention at a size no level has, widths GroupNorm cannot
     * split). An imported network ({@code model.type torchscript}) is checked against its module
     * when it is loaded.
     *
     * @param config the configuration ({@code model.*})
     * @param sampleShape the shape of one sample
     * @throws IllegalArgumentException naming what does not fit
     */
    public static void checkModel(Config config, long[] sampleShape) {
        switch (config.getString("model.type")) {
            case "mlp" -> mlp(config, sampleShape);
            case "unet" -> unet(config, sampleShape);
            default -> { }
        }
    }

    private static MlpVelocityNet mlp(Config config, long[] sampleShape) {
        if (sampleShape.length != 1) {
            throw new IllegalArgumentException("model.type mlp needs flat samples, got shape "
                    + new Shape(sampleShape) + (sampleShape.length == 3 ? "; use model.type unet for images" : ""));
        }
        return MlpVelocityNet.builder()
                .setDim((int) sampleShape[0])
                .optHidden(config.getInt("model.hidden"))
                .optDepth(config.getInt("model.depth"))
                .optActivation(ActivationKind.byName(config.getString("model.activation")))
                .optDropout((float) config.getDouble("model.dropout"))
                .optTimeEmbedding(config.getInt("model.time_dim"), (float) config.getDouble("model.time_scale"))
                .optClasses(config.getInt("model.classes"))
                .build();
    }

    private static UNetVelocityNet unet(Config config, long[] sampleShape) {
        if (sampleShape.length != 3) {
            throw new IllegalArgumentException("model.type unet needs image samples of shape {C, H, W}, got shape "
                    + new Shape(sampleShape) + (sampleShape.length == 1 ? "; use model.type mlp for flat samples" : ""));
        }
        try {
            return UNetVelocityNet.builder()
                    .setSampleShape(sampleShape)
                    .optChannels(config.getInt("model.channels"))
                    .optChannelMult(config.getIntList("model.channel_mult").stream().mapToInt(Integer::intValue).toArray())
                    .optResBlocks(config.getInt("model.res_blocks"))
                    .optAttentionResolutions(config.getIntList("model.attention_resolutions"))
                    .optMidAttention(config.getBoolean("model.mid_attention"))
                    .optUpsampleConv(config.getBoolean("model.upsample_conv"))
                    .optGroups(config.getInt("model.groups"))
                    .optDropout((float) config.getDouble("model.dropout"))
                    .optActivation(ActivationKind.byName(config.getString("model.activation")))
                    .optZeroInit(config.getBoolean("model.zero_init"))
                    .optTimeEmbedding(config.getInt("model.time_dim"), (float) config.getDouble("model.time_scale"))
                    .optClasses(config.getInt("model.classes"))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model.type unet for samples of shape " + new Shape(sampleShape)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The training-time distribution with endpoint clipping.
     *
     * @param config the configuration ({@code path.*})
     * @return the distribution
     */
    public static TimeDistribution timeDistribution(Config config) {
        Map<String, Double> p = new LinkedHashMap<>();
        switch (config.getString("path.time")) {
            case "exponential" -> p.put("base", config.getDouble("path.time_base"));
            case "u-shaped" -> p.put("a", config.getDouble("path.time_a"));
            case "logit-normal" -> {
                p.put("mean", config.getDouble("path.logit_mean"));
                p.put("std", config.getDouble("path.logit_std"));
            }
            default -> { }
        }
        return TimeDistributions.byName(config.getString("path.time"), p).clipped(config.getDouble("path.eps"));
    }

    /**
     * The generalized loss.
     *
     * @param config the configuration ({@code loss.*})
     * @return the loss
     */
    public static GeneralizedLoss loss(Config config) {
        Map<String, Double> lp = new LinkedHashMap<>();
        switch (config.getString("loss.type")) {
            case "pseudo-huber" -> {
                if (config.getDouble("loss.huber_c") > 0) {
                    lp.put("c", config.getDouble("loss.huber_c"));
                }
            }
            case "hpf" -> {
                lp.put("lambda", config.getDouble("loss.hpf_lambda"));
                lp.put("cutoff", config.getDouble("loss.hpf_cutoff"));
            }
            default -> { }
        }
        Map<String, Double> wp = new LinkedHashMap<>();
        switch (config.getString("loss.weight")) {
            case "time-power" -> {
                wp.put("power", config.getDouble("loss.weight_power"));
                wp.put("eps", config.getDouble("loss.weight_eps"));
            }
            case "per-sample" -> wp.put("eps", config.getDouble("loss.weight_eps"));
            case "time-bin-ema" -> {
                wp.put("bins", (double) config.getInt("loss.ema_bins"));
                wp.put("decay", config.getDouble("loss.ema_decay"));
                wp.put("eps", config.getDouble("loss.weight_eps"));
            }
            default -> { }
        }
        return GeneralizedLoss.builder()
                .setLoss(Losses.byName(config.getString("loss.type"), lp))
                .optWeight(LossWeights.byName(config.getString("loss.weight"), wp))
                .build();
    }

    /**
     * The optimization settings.
     *
     * @param config the configuration ({@code train.*}, {@code seed})
     * @return the settings
     */
    public static TrainSettings trainSettings(Config config) {
        long steps = config.getLong("train.steps");
        return new TrainSettings(
                steps,
                config.getInt("train.batch_size"),
                config.getLong("seed"),
                new AdamOptimizer.Settings(config.getDouble("train.beta1"), config.getDouble("train.beta2"),
                        config.getDouble("train.adam_eps"), config.getDouble("train.weight_decay"),
                        config.getString("train.optimizer").equals("adamw")),
                new LrSchedule(config.getDouble("train.lr"), config.getLong("train.warmup_steps"),
                        config.getString("train.lr_decay").equals("cosine"), steps),
                config.getDouble("train.grad_clip"),
                config.getDouble("train.ema_halflife"),
                config.getDouble("train.ema_rampup"),
                config.getLong("train.checkpoint_every"),
                config.getLong("train.log_every"),
                config.getInt("train.keep_checkpoints"),
                lanes(config));
    }

    /**
     * The lanes of a training step: {@code train.lanes}, or for 0 (auto) {@link
     * GradientLanes#automatic} for a U-Net and 1 for other networks (measured: a 2-D MLP's step
     * is too short for a second lane to pay, an imported module was not measured).
     *
     * @param config the configuration ({@code train.lanes}, {@code model.type})
     * @return the number of lanes, {@code >= 1}
     */
    public static int lanes(Config config) {
        int lanes = config.getInt("train.lanes");
        if (lanes > 0) {
            return lanes;
        }
        return config.getString("model.type").equals("unet") ? GradientLanes.automatic() : 1;
    }

    /**
     * The time grid named by a config value, with its parameters from {@code sample.*}.
     *
     * @param config the configuration
     * @param name the grid name (uniform, edm, sigmoid, shifted, custom)
     * @return the grid
     * @throws IllegalArgumentException for {@value GridTuning#NAME}, which needs a model ({@link
     *     #plan(Config, String, String, int, GridTuning)})
     */
    public static TimeGrid grid(Config config, String name) {
        Map<String, Double> p = new LinkedHashMap<>();
        switch (name) {
            case "edm" -> {
                p.put("rho", config.getDouble("sample.edm_rho"));
                p.put("sigmaMin", config.getDouble("sample.edm_sigma_min"));
                p.put("sigmaMax", config.getDouble("sample.edm_sigma_max"));
            }
            case "sigmoid" -> p.put("kappa", config.getDouble("sample.sigmoid_kappa"));
            case "shifted" -> p.put("shift", config.getDouble("sample.shift"));
            case "custom" -> {
                List<Double> times = config.getDoubleList("sample.custom_grid");
                if (times.size() < 2) {
                    throw new IllegalArgumentException("grid custom needs sample.custom_grid with at least two"
                            + " times, e.g. --set sample.custom_grid=[1,0.5,0]");
                }
                return TimeGrids.custom(times.stream().mapToDouble(Double::doubleValue).toArray());
            }
            case GridTuning.NAME -> throw new IllegalArgumentException("grid tuned is tuned per model and NFE:"
                    + " it is not available here (pair generation takes a fixed grid)");
            default -> { }
        }
        return TimeGrids.byName(name, p);
    }

    /**
     * A generation plan (1 -> 0) for a solver, grid and NFE.
     *
     * @param config the configuration (grid parameters, adaptive tolerances)
     * @param solver the solver name
     * @param gridName the grid name
     * @param nfe the NFE budget (ignored by dopri5)
     * @return the plan
     */
    public static SamplerPlan plan(Config config, String solver, String gridName, int nfe) {
        return plan(config, solver, gridName, nfe, null);
    }

    /**
     * A generation plan (1 -> 0) for a solver, grid and NFE, where the grid may be {@value
     * GridTuning#NAME}: the model's tuned grid for the solver and NFE.
     *
     * @param config the configuration (grid parameters, adaptive tolerances)
     * @param solver the solver name
     * @param gridName the grid name
     * @param nfe the NFE budget (ignored by dopri5)
     * @param tuning the model's tuned grids, needed for grid {@value GridTuning#NAME}; may be null
     * @return the plan
     * @throws IllegalArgumentException for grid {@value GridTuning#NAME} without a model's tuning
     */
    public static SamplerPlan plan(Config config, String solver, String gridName, int nfe, GridTuning tuning) {
        if (solver.equals("dopri5")) {
            DormandPrinceSolver dopri = DormandPrinceSolver.builder()
                    .optAtol(config.getDouble("sample.atol"))
                    .optRtol(config.getDouble("sample.rtol"))
                    .optMaxNfe(config.getInt("sample.max_nfe"))
                    .build();
            return new SamplerPlan(dopri, new double[] {1.0, 0.0}, 0);
        }
        if (gridName.equals(GridTuning.NAME)) {
            if (tuning == null) {
                throw new IllegalArgumentException("grid tuned is tuned per model: it needs a model checkpoint"
                        + " (reflow sample, eval, tune-grid or the pipeline's evaluation)");
            }
            return Samplers.plan(solver, tuning.grid(solver, nfe), nfe, 1.0, 0.0);
        }
        return Samplers.plan(solver, grid(config, gridName), nfe, 1.0, 0.0);
    }

    /**
     * The NFE list of an evaluation.
     *
     * @param config the configuration
     * @return {@code eval.nfe}
     */
    public static List<Integer> evalNfes(Config config) {
        return config.getIntList("eval.nfe");
    }
}
