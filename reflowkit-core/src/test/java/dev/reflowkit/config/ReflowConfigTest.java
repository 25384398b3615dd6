package dev.reflowkit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReflowConfigTest {

    /** key, type, default as {@link Option#format} writes it: the brief's table. */
    private static final String[][] EXPECTED = {
        {"seed", "long", "0"},
        {"data.source", "string", "8gaussians"},
        {"data.train_count", "int", "100000"},
        {"data.resolution", "int", "16"},
        {"data.channels", "int", "1"},
        {"model.type", "choice", "mlp"},
        {"model.hidden", "int", "256"},
        {"model.depth", "int", "3"},
        {"model.activation", "choice", "silu"},
        {"model.time_dim", "int", "64"},
        {"model.time_scale", "double", "1000"},
        {"model.dropout", "double", "0"},
        {"model.classes", "int", "0"},
        {"model.label_dropout", "double", "0.1"},
        {"model.channels", "int", "16"},
        {"model.channel_mult", "list<int>", "[1, 1, 2]"},
        {"model.res_blocks", "int", "1"},
        {"model.attention_resolutions", "list<int>", "[]"},
        {"model.mid_attention", "boolean", "true"},
        {"model.upsample_conv", "boolean", "true"},
        {"model.groups", "int", "4"},
        {"model.zero_init", "boolean", "true"},
        {"path.time", "choice", "uniform"},
        {"path.time_base", "double", "10"},
        {"path.time_a", "double", "4"},
        {"path.logit_mean", "double", "0"},
        {"path.logit_std", "double", "1"},
        {"path.eps", "double", "1e-5"},
        {"loss.type", "choice", "mse"},
        {"loss.huber_c", "double", "-1"},
        {"loss.hpf_lambda", "double", "1"},
        {"loss.hpf_cutoff", "double", "0.1"},
        {"loss.weight", "choice", "constant"},
        {"loss.weight_power", "double", "0"},
        {"loss.weight_eps", "double", "0.001"},
        {"loss.ema_bins", "int", "20"},
        {"loss.ema_decay", "double", "0.99"},
        {"train.steps", "int", "15000"},
        {"train.batch_size", "int", "512"},
        {"train.optimizer", "choice", "adam"},
        {"train.lr", "double", "0.001"},
        {"train.beta1", "double", "0.9"},
        {"train.beta2", "double", "0.999"},
        {"train.adam_eps", "double", "1e-8"},
        {"train.weight_decay", "double", "0"},
        {"train.warmup_steps", "int", "500"},
        {"train.lr_decay", "choice", "constant"},
        {"train.grad_clip", "double", "1"},
        {"train.ema_halflife", "double", "20000"},
        {"train.ema_rampup", "double", "0.05"},
        {"train.checkpoint_every", "int", "2000"},
        {"train.log_every", "int", "100"},
        {"train.keep_checkpoints", "int", "3"},
        {"train.lanes", "int", "0"},
        {"sample.solver", "choice", "heun"},
        {"sample.grid", "choice", "uniform"},
        {"sample.nfe", "int", "9"},
        {"sample.count", "int", "1000"},
        {"sample.batch_size", "int", "1000"},
        {"sample.weights", "choice", "ema"},
        {"sample.atol", "double", "1e-5"},
        {"sample.rtol", "double", "1e-5"},
        {"sample.max_nfe", "int", "10000"},
        {"sample.edm_rho", "double", "7"},
        {"sample.edm_sigma_min", "double", "0.002"},
        {"sample.edm_sigma_max", "double", "80"},
        {"sample.sigmoid_kappa", "double", "3"},
        {"sample.shift", "double", "3"},
        {"sample.custom_grid", "list<double>", "[]"},
        {"sample.tune_count", "int", "256"},
        {"sample.tune_sweeps", "int", "3"},
        {"eval.nfe", "list<int>", "[1, 2, 4, 9]"},
        {"eval.solver", "choice", "heun"},
        {"eval.grid", "choice", "uniform"},
        {"eval.extra_grids", "list<string>", "[]"},
        {"eval.count", "int", "1000"},
        {"eval.repeats", "int", "3"},
        {"eval.reference", "choice", "dopri5"},
        {"eval.feature_cache", "string", ""},
        {"eval.feature_steps", "int", "3000"},
        {"eval.feature_batch", "int", "128"},
        {"eval.kid_subsets", "int", "10"},
        {"eval.kid_subset_size", "int", "500"},
        {"eval.sw2_projections", "int", "256"},
        {"pairs.count", "int", "100000"},
        {"pairs.forward_count", "int", "50000"},
        {"pairs.solver", "choice", "heun"},
        {"pairs.grid", "choice", "uniform"},
        {"pairs.nfe", "int", "99"},
        {"pairs.batch_size", "int", "1000"},
        {"pairs.weights", "choice", "ema"},
        {"pairs.shard_size", "int", "10000"},
        {"pairs.workers", "int", "2"},
        {"pairs.sinkhorn_lambda", "double", "0"},
        {"pairs.block", "int", "250"},
        {"pairs.guidance", "double", "1"},
        {"pairs.seed", "long", "-1"},
        {"reflow.preset", "choice", "none"},
        {"reflow.teacher", "string", ""},
        {"reflow.pairs", "list<string>", "[]"},
        {"reflow.mix", "list<double>", "[]"},
        {"reflow.dropout", "double", "-1"},
        {"reflow.directions", "list<string>", "[backward]"},
        {"reflow.streaming", "choice", "auto"},
        {"reflow.rounds", "int", "1"},
        {"pipeline.models", "list<string>", "[baseline, simple-reflow]"},
        {"pipeline.teacher", "string", ""},
        {"pipeline.jobs", "int", "0"},
        {"pipeline.beside_priority", "choice", "idle"},
        {"pipeline.reflow_set", "list<string>", "[train.steps=5000]"},
        {"ablate.seeds", "list<int>", "[0, 1, 2]"},
        {"ablate.rows", "choice", "both"},
        {"ablate.sampler_grid", "choice", "tuned"},
        {"ablate.reference", "boolean", "false"},
    };

    @Test
    @SuppressWarnings("unchecked")
    void schemaDeclaresExactlyTheSpecifiedOptionsInOrder() {
        ConfigSchema schema = ReflowConfig.schema();
        List<String> keys = new ArrayList<>();
        for (String[] row : EXPECTED) {
            keys.add(row[0]);
            Option<Object> o = (Option<Object>) schema.option(row[0]);
            assertEquals(row[1], o.type().typeName(), row[0]);
            assertEquals(row[2], o.format(o.defaultValue()), row[0]);
        }
        assertEquals(keys, List.copyOf(schema.keys()));
        assertEquals(List.of("", "data", "model", "path", "loss", "train", "sample", "eval", "pairs", "reflow", "pipeline", "ablate"),
                schema.sections());
    }

    @Test
    void choicesAndKeyRanges() {
        ConfigSchema s = ReflowConfig.schema();
        assertEquals(List.of("silu", "gelu", "relu", "tanh"), s.option("model.activation").choices());
        assertEquals(List.of("mlp", "unet", "torchscript"), s.option("model.type").choices());
        assertEquals(List.of("uniform", "exponential", "u-shaped", "logit-normal"),
                s.option("path.time").choices());
        assertEquals(List.of("mse", "pseudo-huber", "hpf"), s.option("loss.type").choices());
        assertEquals(List.of("constant", "time-power", "per-sample", "time-bin-ema"),
                s.option("loss.weight").choices());
        assertEquals(List.of("euler", "midpoint", "heun", "rk4", "heun-edm", "heun-full", "rk4-full", "dopri5"),
                s.option("sample.solver").choices());
        assertEquals(List.of("uniform", "edm", "sigmoid", "shifted", "custom", "tuned"),
                s.option("sample.grid").choices());
        assertEquals(List.of("uniform", "edm", "sigmoid", "shifted", "custom"), s.option("pairs.grid").choices(),
                "pairs take a fixed grid");
        assertEquals("in [0, 0.5)", s.option("path.eps").boundsText());
        assertEquals("in (0, 1)", s.option("loss.ema_decay").boundsText());
        assertEquals("> 1", s.option("path.time_base").boundsText());
        Config d = s.defaults();
        assertEquals(0.3, d.with("model.dropout", 0.3).getDouble("model.dropout"));
        assertThrows(ConfigException.class, () -> d.with("model.time_dim", 0));
        assertThrows(ConfigException.class, () -> d.with("seed", -1));
        assertEquals(0.01, d.with("loss.huber_c", 0.01).getDouble("loss.huber_c"));
    }
}
