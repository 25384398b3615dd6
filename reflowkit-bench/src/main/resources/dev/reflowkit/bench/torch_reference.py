"""The PyTorch side of `reflow bench`: ReflowKit's networks, training step and sampler written in
plain PyTorch as a skilled user of PyTorch 1.13 (Debian's python3-torch) would write them for speed
on a CPU, run on the workloads `reflow bench` describes.

    python3 torch_reference.py SPEC.json OUT.json      run every workload of SPEC, results to OUT
    python3 torch_reference.py SPEC.json --serve       paired mode: one workload in chunks on request
    python3 torch_reference.py SPEC.json --probe OUT   the environment check (BLAS, threads, speed)
    python3 torch_reference.py SPEC.json --check DIR   the equality check: ReflowKit's weights and
                                                       inputs in, velocities and training steps out

SPEC.json is written by `reflow bench` (or its equality test) and carries every setting this script
uses; a setting it does not implement, or a key it does not know, is refused with a clear error
(exit 2), so the benchmark cannot silently compare different work. Run by `reflow bench` between its
own measurements, never concurrently with them. Needs only torch (the --check mode also numpy).

What the script does for speed, and what PyTorch 1.13 lacks (docs/PERFORMANCE.md):
- Adam/AdamW with foreach=True (multi-tensor). 1.13's fused=True Adam is CUDA-only; ReflowKit's
  PyTorch 2.7.1 runs the fused CPU kernel (torch._fused_adam_).
- Global-norm clipping from torch._foreach_norm, rescaling only when the norm is over the limit
  (ReflowKit's rule). 1.13's clip_grad_norm_ has no foreach argument and always rescales.
- EMA with torch._foreach_mul_ + torch._foreach_add_ (two passes). 1.13 has no torch._foreach_lerp_
  (ReflowKit's single pass).
- Dropout as x * (rand >= p) / (1 - p): measured at 1 thread on a 64x32x16x16 activation, forward
  and backward, the cheapest of F.dropout, a bernoulli_ mask and this (4.0 ms against 6.3 and 6.1).
- Sampling under torch.inference_mode(), SiLU in place where no graph is recorded, Heun updates with
  torch.add(..., alpha=h), the U-Net in channels-last order (faster there, slower in training).
- torch.set_num_threads(N), one inter-op thread, OMP_NUM_THREADS=N from the caller.
- Training in the spec's lanes, as ReflowKit's GradientLanes: the batch cut into L contiguous parts
  whose forward and backward passes run at the same time on L Python threads with N/L engine
  threads each (PyTorch releases the GIL inside operations and the backward pass; the Python code
  of a forward holds it); each lane evaluates its part of the loss (a mean of per-sample terms) and
  runs its backward pass right after its forward pass, with its share n_k / n of the batch's mean.
- No torch.compile and no F.scaled_dot_product_attention in 1.13 (both 2.0): eager mode, attention
  as bmm + softmax, as ReflowKit computes it.
"""
import json
import math
import os
import sys
import time

T_START = time.perf_counter()
import torch  # noqa: E402  (import time is part of the start-up figure)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Refused(Exception):
    """A setting of the spec this script does not implement."""


# ------------------------------------------------------------------------------------------------
# The spec: every setting checked, unknown keys refused.

MODEL_KEYS = {"type", "activation", "hidden", "depth", "time_dim", "time_scale", "dropout", "classes", "channels",
              "channel_mult", "res_blocks", "groups", "attention_resolutions", "mid_attention", "upsample_conv"}
TRAIN_KEYS = {"name", "kind", "scope", "shape", "batch", "warmup", "steps", "pool", "model", "path", "time", "loss",
              "optimizer", "grad_clip", "ema", "lanes"}
SAMPLE_KEYS = {"name", "kind", "scope", "shape", "batch", "warmup", "batches", "nfe", "model", "solver"}
MATMUL_KEYS = {"name", "kind", "size", "repeats"}
LAST_STEPS = ("heun", "euler", "midpoint", "ralston3")


def refuse(what):
    raise Refused(what)


def keys(d, allowed, where):
    unknown = sorted(set(d) - allowed)
    if unknown:
        refuse("%s: unknown setting(s) %s (this script does not implement them)" % (where, ", ".join(unknown)))
    missing = sorted(allowed - set(d))
    if missing:
        refuse("%s: missing setting(s) %s" % (where, ", ".join(missing)))


def check_workload(w):
    """Refuses any workload setting this script does not implement exactly as ReflowKit does."""
    where = w.get("name", "?")
    kind = w.get("kind")
    if kind == "matmul":
        keys(w, MATMUL_KEYS, where)
        return
    if kind not in ("train", "sample"):
        refuse("%s: kind %r (implemented: train, sample, matmul)" % (where, kind))
    keys(w, TRAIN_KEYS if kind == "train" else SAMPLE_KEYS, where)
    if w["scope"] not in ("step", "network"):
        refuse("%s: scope %r (implemented: step, network)" % (where, w["scope"]))
    m = w["model"]
    keys(m, MODEL_KEYS, where + " model")
    if m["type"] not in ("mlp", "unet"):
        refuse("%s: model.type %r (implemented: mlp, unet)" % (where, m["type"]))
    if m["activation"] != "silu":
        refuse("%s: model.activation %r (implemented: silu)" % (where, m["activation"]))
    if m["classes"] != 0:
        refuse("%s: model.classes %r (implemented: 0, unconditional)" % (where, m["classes"]))
    if m["type"] == "mlp" and len(w["shape"]) != 1:
        refuse("%s: an MLP takes flat samples, got shape %r" % (where, w["shape"]))
    if m["type"] == "unet" and len(w["shape"]) != 3:
        refuse("%s: a U-Net takes (C, H, W) samples, got shape %r" % (where, w["shape"]))
    if kind == "train":
        if w["path"] != "linear":
            refuse("%s: path %r (implemented: linear, x_t = x0 + t (x1 - x0), target x1 - x0)" % (where, w["path"]))
        keys(w["time"], {"distribution", "eps"}, where + " time")
        if w["time"]["distribution"] != "uniform":
            refuse("%s: time distribution %r (implemented: uniform, clipped to [eps, 1 - eps])"
                   % (where, w["time"]["distribution"]))
        keys(w["loss"], {"type", "weight"}, where + " loss")
        if w["loss"]["type"] != "mse" or w["loss"]["weight"] != "constant":
            refuse("%s: loss %r with weight %r (implemented: mse, constant)"
                   % (where, w["loss"]["type"], w["loss"]["weight"]))
        o = w["optimizer"]
        keys(o, {"name", "lr", "beta1", "beta2", "eps", "weight_decay", "warmup_steps", "decay", "total_steps"},
             where + " optimizer")
        if o["name"] not in ("adam", "adamw"):
            refuse("%s: optimizer %r (implemented: adam, adamw)" % (where, o["name"]))
        if o["decay"] not in ("constant", "cosine"):
            refuse("%s: learning-rate decay %r (implemented: constant, cosine)" % (where, o["decay"]))
        keys(w["ema"], {"halflife_samples", "rampup"}, where + " ema")
        if not isinstance(w["lanes"], int) or w["lanes"] < 1:
            refuse("%s: lanes %r (implemented: an integer >= 1)" % (where, w["lanes"]))
    else:
        s = w["solver"]
        keys(s, {"name", "last_step", "grid"}, where + " solver")
        if s["name"] != "heun" or s["last_step"] not in LAST_STEPS:
            refuse("%s: solver %r with last step %r (implemented: heun with a %s last step)"
                   % (where, s["name"], s["last_step"], ", ".join(LAST_STEPS)))
        steps = len(s["grid"]) - 1
        nfe = 2 * steps + {"heun": 0, "euler": -1, "midpoint": 0, "ralston3": 1}[s["last_step"]]
        if steps < 1 or nfe != w["nfe"]:
            refuse("%s: a grid of %d steps with a %s last step is %d NFE, not %r"
                   % (where, steps, s["last_step"], nfe, w["nfe"]))


# ------------------------------------------------------------------------------------------------
# The networks, block for block and name for name as ReflowKit's (a parameter named a.b.weight here
# is ReflowKit's a_b_weight; a GroupNorm's weight and bias are its gamma and beta).

# "composite": the op graph ReflowKit runs, for explaining the gap. DJL's JNI has no fused SiLU or
# GroupNorm kernel, so ReflowKit computes a SiLU on its own as x * sigmoid(x) and a GroupNorm on its
# own (the attention block's) as a layer norm over (N, G, C/G*H*W) followed by a per-channel
# multiply and add. A GroupNorm followed by SiLU (residual blocks, U-Net output) runs the native
# kernels through a TorchScript module ReflowKit writes itself (engine.FusedKernels): native here too.
# So does the 2-D MLP's whole forward when sampling (no graph): its SiLUs are native there.
COMPOSITE = False


class SiLU(nn.Module):
    """SiLU, in place where no graph is recorded (sampling). In the composite variant x * sigmoid(x)
    where ReflowKit computes it so: mode "plain" always, "mlp" only with a graph (ReflowKit's MLP
    runs natively when sampling), "fused" never (after a GroupNorm: ReflowKit fuses the pair)."""

    def __init__(self, mode="plain"):
        super().__init__()
        self.mode = mode

    def forward(self, x):
        grad = torch.is_grad_enabled()
        if COMPOSITE and (self.mode == "plain" or (self.mode == "mlp" and grad)):
            return x * torch.sigmoid(x)
        return F.silu(x, inplace=not grad)


class CompositeGroupNorm(nn.GroupNorm):
    def forward(self, x):
        n = x.shape[0]
        grouped = x.reshape(n, self.num_groups, -1)
        unit = grouped.shape[2]
        h = F.layer_norm(grouped, (unit,), torch.ones(unit), torch.zeros(unit), self.eps).reshape(x.shape)
        return h * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


def group_norm(groups, channels, fused_act=False):
    return (CompositeGroupNorm if COMPOSITE and not fused_act else nn.GroupNorm)(groups, channels)


class Dropout(nn.Module):
    """Inverted dropout, x * (u >= p) / (1 - p) with u uniform: the cheapest on a CPU (see above)."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        return x * torch.rand_like(x).ge_(self.p).div_(1 - self.p)


class TimeEmbedding(nn.Module):
    """[sin(t f_k), cos(t f_k)], f_k = s exp(-ln(10000) k / half)."""

    def __init__(self, dim, scale):
        super().__init__()
        half = dim // 2
        freqs = scale * torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
        self.register_buffer("freqs", freqs.float().view(1, half))

    def forward(self, t):
        a = torch.matmul(t.view(-1, 1), self.freqs)
        return torch.cat([a.sin(), a.cos()], dim=1)


class Mlp(nn.Module):
    """ReflowKit's MlpVelocityNet: layers hidden0..hidden{depth-1} and out on [x, emb(t)]."""

    def __init__(self, s, dim):
        super().__init__()
        self.depth = s["depth"]
        self.emb = TimeEmbedding(s["time_dim"], s["time_scale"])
        self.act = SiLU("mlp")
        self.drop = Dropout(s["dropout"])
        width = dim + s["time_dim"]
        for i in range(self.depth):
            self.add_module("hidden%d" % i, nn.Linear(width, s["hidden"]))
            width = s["hidden"]
        self.add_module("out", nn.Linear(width, dim))

    def forward(self, x, t):
        h = torch.cat([x, self.emb(t)], dim=1)
        for i in range(self.depth):
            h = self.drop(self.act(self._modules["hidden%d" % i](h)))
        return self._modules["out"](h)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups, dropout):
        super().__init__()
        self.cout = cout
        self.norm1, self.conv1 = group_norm(groups, cin, True), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.norm2, self.conv2 = group_norm(groups, cout, True), nn.Conv2d(cout, cout, 3, padding=1)
        self.drop = Dropout(dropout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None
        self.act = SiLU("fused")

    def forward(self, x, e):
        h = self.conv1(self.act(self.norm1(x)))
        h = h + self.emb(e).view(-1, self.cout, 1, 1)
        h = self.conv2(self.drop(self.act(self.norm2(h))))
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    def __init__(self, ch, groups):
        super().__init__()
        self.norm, self.qkv, self.proj = group_norm(groups, ch), nn.Conv2d(ch, 3 * ch, 1), nn.Conv2d(ch, ch, 1)
        self.scale = 1.0 / math.sqrt(ch)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3 * c, h * w).chunk(3, dim=1)
        weights = torch.softmax(torch.bmm(k.transpose(1, 2), q) * self.scale, dim=1)
        return x + self.proj(torch.bmm(v, weights).reshape(n, c, h, w))


class Upsample(nn.Module):
    def __init__(self, ch, conv):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1) if conv else None

    def forward(self, x):
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return x if self.conv is None else self.conv(x)


class UNet(nn.Module):
    """ReflowKit's UNetVelocityNet, block for block and with its block names (see its javadoc)."""

    def __init__(self, s, image):
        super().__init__()
        c_img, height, _ = image
        ch, mult, groups, drop = s["channels"], s["channel_mult"], s["groups"], s["dropout"]
        self.act = SiLU()
        emb = 4 * ch
        self.temb = TimeEmbedding(s["time_dim"], s["time_scale"])
        self.add_module("time1", nn.Linear(s["time_dim"], emb))
        self.add_module("time2", nn.Linear(emb, emb))
        self.add_module("in", nn.Conv2d(c_img, ch, 3, padding=1))
        attn_res = set(s["attention_resolutions"])
        self.down_plan, self.up_plan = [], []
        skips, cur = [ch], ch
        for level, m in enumerate(mult):
            out = ch * m
            for r in range(s["res_blocks"]):
                res = "down%d_res%d" % (level, r)
                self.add_module(res, ResBlock(cur, out, emb, groups, drop))
                attn = "down%d_attn%d" % (level, r) if (height >> level) in attn_res else None
                if attn:
                    self.add_module(attn, Attention(out, groups))
                self.down_plan.append((res, attn))
                cur = out
                skips.append(cur)
            if level < len(mult) - 1:
                name = "down%d_sample" % level
                self.add_module(name, nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                self.down_plan.append((name, None))
                skips.append(cur)
        self.add_module("mid_res1", ResBlock(cur, cur, emb, groups, drop))
        self.mid_attention = s["mid_attention"]
        if self.mid_attention:
            self.add_module("mid_attn", Attention(cur, groups))
        self.add_module("mid_res2", ResBlock(cur, cur, emb, groups, drop))
        for level in reversed(range(len(mult))):
            out = ch * mult[level]
            for r in range(s["res_blocks"] + 1):
                res = "up%d_res%d" % (level, r)
                self.add_module(res, ResBlock(cur + skips.pop(), out, emb, groups, drop))
                attn = "up%d_attn%d" % (level, r) if (height >> level) in attn_res else None
                if attn:
                    self.add_module(attn, Attention(out, groups))
                self.up_plan.append((res, attn))
                cur = out
            if level > 0:
                name = "up%d_sample" % level
                self.add_module(name, Upsample(cur, s["upsample_conv"]))
                self.up_plan.append((name, None))
        self.add_module("out_norm", group_norm(groups, cur, True))
        self.norm_act = SiLU("fused")
        self.add_module("out", nn.Conv2d(cur, c_img, 3, padding=1))

    def forward(self, x, t):
        blocks = self._modules
        e = self.act(blocks["time2"](self.act(blocks["time1"](self.temb(t)))))
        h = blocks["in"](x)
        skips = [h]
        for name, attn in self.down_plan:
            h = self._stage(name, attn, h, e)
            skips.append(h)
        h = blocks["mid_res1"](h, e)
        if self.mid_attention:
            h = blocks["mid_attn"](h)
        h = blocks["mid_res2"](h, e)
        for name, attn in self.up_plan:
            if isinstance(blocks[name], ResBlock):
                h = torch.cat([h, skips.pop()], dim=1)
            h = self._stage(name, attn, h, e)
        return blocks["out"](self.norm_act(blocks["out_norm"](h)))

    def _stage(self, name, attn, h, e):
        block = self._modules[name]
        if not isinstance(block, ResBlock):
            return block(h)
        h = block(h, e)
        return self._modules[attn](h) if attn else h


def build(w):
    s = w["model"]
    shape = w["shape"]
    return Mlp(s, shape[0]) if s["type"] == "mlp" else UNet(s, shape)


def reflowkit_names(net):
    """ReflowKit's name of every parameter: {torch name: ReflowKit name}."""
    names = {}
    for prefix, module in net.named_modules():
        for pname, _ in module.named_parameters(recurse=False):
            own = {"weight": "gamma", "bias": "beta"}[pname] if isinstance(module, nn.GroupNorm) else pname
            names[prefix + "." + pname if prefix else pname] = (prefix + "." + own if prefix else own).replace(".", "_")
    return names


def parameter_count(net):
    return sum(p.numel() for p in net.parameters())


# ------------------------------------------------------------------------------------------------
# Training: ReflowKit's step (FlowTrainer) for the settings of check_workload.

def lr_at(o, step):
    """ReflowKit's LrSchedule: linear warm-up, then constant or a half cosine to the last step."""
    warmup = o["warmup_steps"]
    if warmup > 0 and step < warmup:
        return o["lr"] * (step + 1) / warmup
    if o["decay"] != "cosine" or o["total_steps"] <= warmup:
        return o["lr"]
    progress = (step - warmup) / (o["total_steps"] - warmup)
    return o["lr"] * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def ema_beta(batch, seen, halflife, rampup):
    """ReflowKit's EmaWeights.beta: half-life in samples, capped at rampup * seen during ramp-up."""
    h = halflife
    if rampup > 0:
        h = min(h, seen * rampup)
    return 0.0 if h <= 0 else 0.5 ** (batch / h)


def random_batches(w):
    """Training batches as the benchmark draws them: data rows of a pool, Gaussian noise, uniform times."""
    shape, batch = w["shape"], w["batch"]
    pool = torch.randn(w["pool"], *shape)
    eps = w["time"]["eps"]

    def draw(step):
        x0 = pool[torch.randint(pool.shape[0], (batch,))]
        return x0, torch.randn_like(x0), torch.rand(batch).clamp_(eps, 1 - eps)

    return draw


OPEN_LANES = []  # lanes of the workload being measured, closed after it


class Lanes:
    """A training step's network passes in lanes (ReflowKit's GradientLanes): on lane k's thread
    v_k = net(x[k], t[k]), its MSE over its n_k samples and that loss's backward pass scaled by
    n_k / n; the lanes' gradients add up to the whole batch's."""

    def __init__(self, lanes):
        self.lanes = lanes
        self.pool = None
        if lanes > 1:
            import concurrent.futures
            import threading
            threads = torch.get_num_threads()
            share = max(1, threads // lanes)
            started = threading.Barrier(lanes)

            def init():
                torch.get_num_threads()  # this thread's first use takes the global count
                torch.set_num_threads(share)
                started.wait()  # one initialisation per thread

            self.pool = concurrent.futures.ThreadPoolExecutor(lanes)
            for f in [self.pool.submit(init) for _ in range(lanes)]:
                f.result()
            # As GradientLanes: the caller's own work between the passes (loss, optimizer, EMA) runs on
            # its share too, so that its idle OpenMP workers do not spin on the lanes' cores; close()
            # gives it (and threads started later) the whole count back.
            self.threads = threads
            torch.set_num_threads(share)
            OPEN_LANES.append(self)

    def close(self):
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None
            torch.set_num_threads(self.threads)

    def loss_backward(self, net, xt, t, target):
        """The whole batch's MSE loss; its gradient added to the parameters' gradients."""
        n = xt.shape[0]
        if self.pool is None or n < self.lanes:
            loss = F.mse_loss(net(xt, t), target)
            loss.backward()
            return loss
        bounds = [(n * k // self.lanes, n * (k + 1) // self.lanes) for k in range(self.lanes)]

        def lane(a, b):
            share = F.mse_loss(net(xt[a:b], t[a:b]), target[a:b]) * ((b - a) / n)
            share.backward()
            return share.detach()

        return sum(f.result() for f in [self.pool.submit(lane, a, b) for a, b in bounds])


def train_state(w, batches=None, net=None):
    """The state of a training workload: (run, net, state); run(k) trains k more steps (scope "step")
    or runs k more forward and backward passes of the network alone (scope "network")."""
    net = (net if net is not None else build(w)).train()
    params = list(net.parameters())
    draw = batches if batches is not None else random_batches(w)
    nd = len(w["shape"])
    lanes = Lanes(w["lanes"])
    if w["scope"] == "network":
        x0, x1, t = draw(0)
        target = x1 - x0
        xt = torch.addcmul(x0, target, t.view(-1, *([1] * nd)))

        def network(k):
            # Forward, loss and backward only; gradients accumulate (ReflowKit's likewise).
            for _ in range(k):
                lanes.loss_backward(net, xt, t, target)

        return network, net, {}
    o = w["optimizer"]
    adam = torch.optim.AdamW if o["name"] == "adamw" else torch.optim.Adam
    opt = adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weight_decay"],
               foreach=True)
    ema = [p.detach().clone() for p in params]
    clip, batch, halflife, rampup = w["grad_clip"], w["batch"], w["ema"]["halflife_samples"], w["ema"]["rampup"]
    state = {"step": 0, "seen": 0, "loss": [], "grad_norm": [], "opt": opt, "ema": ema, "params": params}

    def run(k):
        for _ in range(k):
            step = state["step"]
            x0, x1, t = draw(step)
            target = x1 - x0
            xt = torch.addcmul(x0, target, t.view(-1, *([1] * nd)))
            opt.zero_grad(set_to_none=True)
            loss = lanes.loss_backward(net, xt, t, target)
            grads = [p.grad for p in params]
            norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads))).item()
            value = loss.item()
            if not (math.isfinite(value) and math.isfinite(norm)):
                raise RuntimeError("non-finite loss %r or gradient norm %r at step %d" % (value, norm, step + 1))
            if clip > 0 and norm > clip:
                torch._foreach_mul_(grads, clip / (norm + 1e-6))
            opt.param_groups[0]["lr"] = lr_at(o, step)
            opt.step()
            state["seen"] += batch
            beta = ema_beta(batch, state["seen"], halflife, rampup)
            with torch.no_grad():
                torch._foreach_mul_(ema, beta)
                torch._foreach_add_(ema, params, alpha=1 - beta)
            state["step"] = step + 1
            state["loss"].append(value)
            state["grad_norm"].append(norm)

    return run, net, state


# ------------------------------------------------------------------------------------------------
# Sampling: ReflowKit's Heun plan on the grid the spec carries (ReflowKit's own plan's points).

def solve(net, x, solver):
    """Integrates dx/dt = net(x, t) over the grid: Heun steps, the last one of the given kind."""
    grid, last_step = solver["grid"], solver["last_step"]
    n = x.shape[0]
    x = arranged(x)

    def v(xx, tt):
        return net(xx, torch.full((n,), tt))

    steps = len(grid) - 1
    for i in range(steps):
        t, tn = grid[i], grid[i + 1]
        h = tn - t
        kind = last_step if i == steps - 1 else "heun"
        k1 = v(x, t)
        if kind == "euler":
            x = torch.add(x, k1, alpha=h)
        elif kind == "midpoint":
            x = torch.add(x, v(torch.add(x, k1, alpha=h / 2), t + h / 2), alpha=h)
        elif kind == "ralston3":
            k2 = v(torch.add(x, k1, alpha=h / 2), t + h / 2)
            k3 = v(torch.add(x, k2, alpha=3 * h / 4), t + 3 * h / 4)
            x = torch.add(x, k1.mul_(2).add_(k2, alpha=3).add_(k3, alpha=4), alpha=h / 9)
        else:
            k2 = v(torch.add(x, k1, alpha=h), tn)
            x = torch.add(x, k1.add_(k2), alpha=h / 2)
    return x


def sampling_network(w, net=None):
    """The network for sampling: eval mode, no gradients; a U-Net in channels-last order, which
    oneDNN's convolutions run faster without a graph (measured at 1 thread, batch 100: 146 against
    172 ms per forward; in training channels-last was slower, 155 against 133 ms, so training keeps
    NCHW, as ReflowKit does)."""
    net = (net if net is not None else build(w)).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net.to(memory_format=torch.channels_last) if w["model"]["type"] == "unet" else net


def arranged(x):
    """A sampling input in the order of the sampling network (channels-last images)."""
    return x.contiguous(memory_format=torch.channels_last) if x.dim() == 4 else x


def sample_state(w, noise=None, net=None):
    """The state of a sampling workload: (run, net, results); run(k) samples k more batches (scope
    "step": noise, the solve, a finiteness check) or runs the network alone for k batches' worth of
    evaluations (scope "network": NFE forward passes on a fixed batch)."""
    net = sampling_network(w, net)
    batch, shape, solver = w["batch"], w["shape"], w["solver"]
    results = []
    if w["scope"] == "network":
        x = arranged(torch.randn(batch, *shape))
        times = [float(t) for t in evaluation_times(solver)]

        def network(k):
            # The times made per evaluation, as the solver makes them (ReflowKit's likewise).
            with torch.inference_mode():
                for _ in range(k):
                    for t in times:
                        net(x, torch.full((batch,), t))

        return network, net, results

    def run(k):
        with torch.inference_mode():
            for _ in range(k):
                x = solve(net, noise if noise is not None else torch.randn(batch, *shape), solver)
                if not bool(torch.isfinite(x).all()):
                    raise RuntimeError("sampler diverged: a sample is not finite")
                results.append(x)

    return run, net, results


def evaluation_times(solver):
    """The times of a solve's network evaluations, in order (the network-alone rows use them)."""
    grid, out = solver["grid"], []
    for i in range(len(grid) - 1):
        t, tn = grid[i], grid[i + 1]
        h = tn - t
        kind = solver["last_step"] if i == len(grid) - 2 else "heun"
        out += {"euler": [t], "midpoint": [t, t + h / 2], "ralston3": [t, t + h / 2, t + 3 * h / 4],
                "heun": [t, tn]}[kind]
    return out


def workload_state(w):
    check_workload(w)
    run, net, _ = (train_state if w["kind"] == "train" else sample_state)(w)
    return run, parameter_count(net)


def timed(w, out, count_key, unit_key):
    run, params = workload_state(w)
    rss_reset()
    run(w["warmup"])
    t0 = time.perf_counter()
    run(w[count_key])
    seconds = time.perf_counter() - t0
    out.update(seconds=seconds, items_per_s=w[count_key] * w["batch"] / seconds, params=params)
    out[unit_key] = w[count_key] / seconds
    while OPEN_LANES:
        OPEN_LANES.pop().close()


def matmul_gflops(n, repeats=None, budget_s=0.3):
    """GFLOP/s of an n x n float32 matrix product (a fixed count, or as many as fit a time budget)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        a @ b
    done, t0 = 0, time.perf_counter()
    while (repeats is None and (done < 2 or time.perf_counter() - t0 < budget_s)) or (repeats and done < repeats):
        c = a @ b
        done += 1
    c.sum().item()
    seconds = time.perf_counter() - t0
    return 2.0 * n ** 3 * done / seconds / 1e9, seconds


def matmul(w, out):
    gflops, seconds = matmul_gflops(w["size"], repeats=w["repeats"])
    out.update(seconds=seconds, gflops=gflops)


# ------------------------------------------------------------------------------------------------
# The environment check: what decides whether this process is set up for speed.

ENV_PREFIXES = ("OMP_", "GOMP_", "KMP_", "OPENBLAS_", "GOTO", "MKL_", "BLIS_", "MALLOC_")


def loaded_libraries(words=("blas", "lapack", "mkl", "gomp", "iomp", "blis")):
    found = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if path.startswith("/") and any(w in name for w in words) and path not in found:
                    found.append(path)
    except OSError:
        pass
    return found


def probe(spec):
    """BLAS build and library, thread settings, environment, a quick matmul and an MLP layer's speed."""
    config = torch.__config__.show()
    blas_info = ""
    for part in config.replace("\n", ",").split(","):
        if part.strip().startswith("BLAS_INFO="):
            blas_info = part.strip()[len("BLAS_INFO="):]
    parallel = torch.__config__.parallel_info()
    n = spec.get("probe_size", 512)
    peak, _ = matmul_gflops(n)
    # An MLP layer of the benchmark (256 wide, batch 512), forward and backward: small products
    # whose speed a badly set up BLAS (e.g. a second thread pool) ruins first.
    layer = nn.Linear(256, 256)
    x = torch.randn(512, 256, requires_grad=True)
    for _ in range(3):
        layer(x).sum().backward()
    done, t0 = 0, time.perf_counter()
    while done < 5 or time.perf_counter() - t0 < 0.3:
        layer(x).sum().backward()
        done += 1
    mlp = 3 * 2.0 * 512 * 256 * 256 * done / (time.perf_counter() - t0) / 1e9
    return dict(versions(), blas_info=blas_info, libraries=loaded_libraries(), parallel_info=parallel,
                mkl=torch.backends.mkl.is_available(), openmp=torch.backends.openmp.is_available(),
                env={k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
                matmul_size=n, matmul_gflops=peak, mlp_gflops=mlp)


# ------------------------------------------------------------------------------------------------
# The equality check (ReflowKit's equality test): ReflowKit's weights and inputs in, outputs out.

def check(spec, d):
    import numpy as np

    def load(name):
        return torch.from_numpy(np.load(os.path.join(d, name + ".npy")))

    def save(name, tensor):
        np.save(os.path.join(d, "torch", name + ".npy"), tensor.detach().contiguous().numpy())

    def load_weights(net):
        names = reflowkit_names(net)
        given = set(spec["check"]["names"])
        if set(names.values()) != given:
            raise Refused("the networks differ: only in ReflowKit's: %s; only here: %s"
                          % (sorted(given - set(names.values())), sorted(set(names.values()) - given)))
        with torch.no_grad():
            for torch_name, p in net.named_parameters():
                value = load("params/" + names[torch_name])
                if tuple(value.shape) != tuple(p.shape):
                    raise Refused("%s: ReflowKit's shape %s, here %s" % (names[torch_name], tuple(value.shape),
                                                                         tuple(p.shape)))
                p.copy_(value)
        return names

    os.makedirs(os.path.join(d, "torch", "params"), exist_ok=True)
    os.makedirs(os.path.join(d, "torch", "ema"), exist_ok=True)
    os.makedirs(os.path.join(d, "torch", "m"), exist_ok=True)
    train_w = next(w for w in spec["workloads"] if w["kind"] == "train")
    sample_w = next(w for w in spec["workloads"] if w["kind"] == "sample")
    for w in (train_w, sample_w):
        check_workload(w)
    report = {}
    # Velocities and a whole solve from the sampling path.
    net = build(sample_w)
    load_weights(net)
    net = sampling_network(sample_w, net)
    with torch.inference_mode():
        save("v", net(load("v_x"), load("v_t")))
    run, _, results = sample_state(sample_w, noise=load("noise"), net=net)
    run(1)
    save("sample", results[0])
    # Training steps from the training path, on the given batches.
    x0, x1, t = load("step_x0"), load("step_x1"), load("step_t")
    net = build(train_w)
    names = load_weights(net)
    run, net, st = train_state(train_w, batches=lambda k: (x0[k], x1[k], t[k]), net=net)
    run(x0.shape[0])
    for (torch_name, p), e in zip(net.named_parameters(), st["ema"]):
        save("params/" + names[torch_name], p)
        save("ema/" + names[torch_name], e)
        save("m/" + names[torch_name], st["opt"].state[p]["exp_avg"])
    report.update(loss=st["loss"], grad_norm=st["grad_norm"], params=parameter_count(net))
    with open(os.path.join(d, "torch", "result.json"), "w") as f:
        json.dump(report, f)


# ------------------------------------------------------------------------------------------------

def rss_reset():
    """Resets the peak-RSS counter of this process (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def setup(spec):
    torch.set_num_threads(spec["threads"])
    torch.set_num_interop_threads(spec.get("interop_threads", 1))
    torch.manual_seed(spec.get("seed", 0))
    torch.ones(2).add(1)
    return time.perf_counter() - T_START


def versions():
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
        "mkldnn": torch.backends.mkldnn.is_available(),
    }


def serve(spec):
    """Paired mode: one training or sampling workload, run in chunks on request, so that `reflow
    bench` can alternate the two sides within a workload. Protocol (lines starting with @@ on stdout,
    everything else is log): after set-up and the workload's warm-up, "@@ready JSON" (versions,
    start-up, parameters); then for each "run K" on stdin K more steps or batches and "@@done
    SECONDS"; on "quit", "@@rss PEAK_MIB" and exit."""
    startup = setup(spec)
    w = spec["workloads"][0]
    run, params = workload_state(w)
    rss_reset()
    run(w["warmup"])
    print("@@ready " + json.dumps(dict(versions(), startup_s=startup, params=params)), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd and cmd[0] == "run":
            t0 = time.perf_counter()
            run(int(cmd[1]))
            print("@@done %.6f" % (time.perf_counter() - t0), flush=True)
        elif cmd and cmd[0] == "quit":
            break
    print("@@rss %.3f" % rss_mb("VmHWM"), flush=True)


def write_json(path, record):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, path)


def batch(spec, out_file):
    startup = setup(spec)
    for w in spec["workloads"]:
        check_workload(w)
    results = {}
    global COMPOSITE
    for variant in spec.get("variants", ["native"]):
        COMPOSITE = variant == "composite"
        for w in spec["workloads"]:
            if COMPOSITE and w["kind"] == "matmul":
                continue
            out = {}
            if w["kind"] == "train":
                timed(w, out, "steps", "steps_per_s")
            elif w["kind"] == "sample":
                timed(w, out, "batches", "batches_per_s")
            else:
                matmul(w, out)
            out["peak_rss_mb"] = rss_mb("VmHWM")
            name = w["name"] + ("@composite" if COMPOSITE else "")
            results[name] = out
            print("torch  %-28s %s" % (name, json.dumps(out)), file=sys.stderr, flush=True)
    write_json(out_file, dict(versions(), startup_s=startup, results=results))


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    try:
        if sys.argv[2] == "--serve":
            serve(spec)
        elif sys.argv[2] == "--probe":
            setup(spec)
            write_json(sys.argv[3], probe(spec))
        elif sys.argv[2] == "--check":
            setup(spec)
            check(spec, sys.argv[3])
        else:
            batch(spec, sys.argv[2])
    except Refused as e:
        print("torch_reference.py: refused: %s" % e, flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
