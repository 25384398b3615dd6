#!/usr/bin/env python3
"""PyTorch reference for `reflow bench`: the same networks, batches, solvers and threads as
ReflowKit, written the way a PyTorch user would (eager mode, torch.optim.Adam, no_grad sampling).

Usage: python3 torch_reference.py SPEC.json OUT.json
       python3 torch_reference.py SPEC.json --serve

SPEC.json is written by `reflow bench` (the workloads it measures); OUT.json receives one result per
workload. Run by `reflow bench` between its own measurements, never concurrently with them. With
--serve it runs one workload in chunks on request (see serve()), alternating with ReflowKit's.
Needs Debian's python3-torch (see docs/PERFORMANCE.md); not a dependency of ReflowKit itself.
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


# "composite": the op graph ReflowKit runs, for explaining the gap. DJL's JNI has no fused SiLU or
# GroupNorm kernel, so ReflowKit computes a SiLU on its own as x * sigmoid(x) and a GroupNorm on its
# own (the attention block's) as a layer norm over (N, G, C/G*H*W) followed by a per-channel
# multiply and add. A GroupNorm followed by SiLU (residual blocks, U-Net output) runs the native
# kernels through a TorchScript module ReflowKit writes itself (engine.FusedKernels): native here too.
# So does the 2-D MLP's whole forward when sampling (no graph): its SiLUs are native there.
COMPOSITE = False


class CompositeSiLU(nn.Module):
    def __init__(self, native_without_grad=False):
        super().__init__()
        self.native_without_grad = native_without_grad

    def forward(self, x):
        if self.native_without_grad and not torch.is_grad_enabled():
            return F.silu(x)
        return x * torch.sigmoid(x)


class CompositeGroupNorm(nn.GroupNorm):
    def forward(self, x):
        n = x.shape[0]
        grouped = x.reshape(n, self.num_groups, -1)
        unit = grouped.shape[2]
        h = F.layer_norm(grouped, (unit,), torch.ones(unit), torch.zeros(unit), self.eps).reshape(x.shape)
        return h * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


def activation(name, native_without_grad=False):
    if COMPOSITE and name == "silu":
        return CompositeSiLU(native_without_grad)
    return {"silu": nn.SiLU, "gelu": nn.GELU, "relu": nn.ReLU, "tanh": nn.Tanh}[name]()


def group_norm(groups, channels, fused_act=False):
    return (CompositeGroupNorm if COMPOSITE and not fused_act else nn.GroupNorm)(groups, channels)


def norm_activation(name):
    """The activation right after a GroupNorm: native SiLU in both variants (ReflowKit fuses the pair)."""
    return {"silu": nn.SiLU, "gelu": nn.GELU, "relu": nn.ReLU, "tanh": nn.Tanh}[name]()


class TimeEmbedding(nn.Module):
    """[sin(s t f_k), cos(s t f_k)], f_k = exp(-ln(10000) k / half)."""

    def __init__(self, dim, scale):
        super().__init__()
        half = dim // 2
        freqs = scale * torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
        self.register_buffer("freqs", freqs.float().view(1, half))

    def forward(self, t):
        a = t.view(-1, 1) * self.freqs
        return torch.cat([a.sin(), a.cos()], dim=1)


class Mlp(nn.Module):
    """ReflowKit's MlpVelocityNet: Linear layers on [x, emb(t)] with an activation (+ dropout)."""

    def __init__(self, s, dim):
        super().__init__()
        self.emb = TimeEmbedding(s["time_dim"], s["time_scale"])
        layers, width = [], dim + s["time_dim"]
        for _ in range(s["depth"]):
            layers += [nn.Linear(width, s["hidden"]), activation(s["activation"], native_without_grad=True)]
            if s["dropout"] > 0:
                layers.append(nn.Dropout(s["dropout"]))
            width = s["hidden"]
        layers.append(nn.Linear(width, dim))
        self.net = nn.Sequential(*layers)

    def forward(self, x, t):
        return self.net(torch.cat([x, self.emb(t)], dim=1))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups, dropout, act):
        super().__init__()
        self.norm1, self.conv1 = group_norm(groups, cin, True), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.norm2, self.conv2 = group_norm(groups, cout, True), nn.Conv2d(cout, cout, 3, padding=1)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.act = act

    def forward(self, x, e):
        h = self.conv1(self.act(self.norm1(x)))
        h = h + self.emb(e)[:, :, None, None]
        h = self.conv2(self.drop(self.act(self.norm2(h))))
        return self.skip(x) + h


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


class UNet(nn.Module):
    """ReflowKit's UNetVelocityNet, block for block (see its javadoc)."""

    def __init__(self, s, image):
        super().__init__()
        c_img, height, _ = image
        ch, mult, groups, drop = s["channels"], s["channel_mult"], s["groups"], s["dropout"]
        self.act = activation(s["activation"])
        emb = 4 * ch
        self.temb = TimeEmbedding(s["time_dim"], s["time_scale"])
        self.time1, self.time2 = nn.Linear(s["time_dim"], emb), nn.Linear(emb, emb)
        self.inp = nn.Conv2d(c_img, ch, 3, padding=1)
        attn_res = set(s["attention_resolutions"])
        self.down = nn.ModuleList()
        skips, cur = [ch], ch
        for level, m in enumerate(mult):
            out = ch * m
            for _ in range(s["res_blocks"]):
                att = Attention(out, groups) if (height >> level) in attn_res else None
                self.down.append(nn.ModuleList([ResBlock(cur, out, emb, groups, drop, norm_activation(s["activation"]))]
                                               + ([att] if att else [])))
                cur = out
                skips.append(cur)
            if level < len(mult) - 1:
                self.down.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skips.append(cur)
        self.mid1 = ResBlock(cur, cur, emb, groups, drop, norm_activation(s["activation"]))
        self.mid_attn = Attention(cur, groups) if s["mid_attention"] else None
        self.mid2 = ResBlock(cur, cur, emb, groups, drop, norm_activation(s["activation"]))
        self.up = nn.ModuleList()
        for level in reversed(range(len(mult))):
            out = ch * mult[level]
            for _ in range(s["res_blocks"] + 1):
                att = Attention(out, groups) if (height >> level) in attn_res else None
                self.up.append(nn.ModuleList([ResBlock(cur + skips.pop(), out, emb, groups, drop, norm_activation(s["activation"]))]
                                             + ([att] if att else [])))
                cur = out
            if level > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"),
                                             *([nn.Conv2d(cur, cur, 3, padding=1)] if s["upsample_conv"] else [])))
        self.out_norm, self.out = group_norm(groups, cur, True), nn.Conv2d(cur, c_img, 3, padding=1)
        self.norm_act = norm_activation(s["activation"])

    def forward(self, x, t):
        e = self.act(self.time2(self.act(self.time1(self.temb(t)))))
        h = self.inp(x)
        skips = [h]
        for block in self.down:
            h = self._apply(block, h, e)
            skips.append(h)
        h = self.mid1(h, e)
        if self.mid_attn is not None:
            h = self.mid_attn(h)
        h = self.mid2(h, e)
        for block in self.up:
            if isinstance(block, nn.ModuleList):
                h = torch.cat([h, skips.pop()], dim=1)
            h = self._apply(block, h, e)
        return self.out(self.norm_act(self.out_norm(h)))

    @staticmethod
    def _apply(block, h, e):
        if not isinstance(block, nn.ModuleList):
            return block(h)
        h = block[0](h, e)
        return block[1](h) if len(block) > 1 else h


def build(w):
    s = w["model"]
    shape = w["shape"]
    return Mlp(s, shape[0]) if s["type"] == "mlp" else UNet(s, shape)


def train_state(w):
    """The state of a training workload; returns (run, params): run(k) trains k more steps."""
    net = build(w).train()
    params = [p for p in net.parameters()]
    o = w["optimizer"]
    opt = torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"])
    ema = [p.detach().clone() for p in params]
    shape, batch = w["shape"], w["batch"]
    pool = torch.randn(w["pool"], *shape)
    eps = w["time_eps"]
    done = [0]

    def run(k):
        for _ in range(k):
            step = done[0]
            done[0] += 1
            x1 = pool[torch.randint(pool.shape[0], (batch,))]
            x0 = torch.randn_like(x1)
            t = torch.rand(batch) * (1 - 2 * eps) + eps
            xt = x0 + (x1 - x0) * t.view(-1, *([1] * len(shape)))
            loss = (net(xt, t) - (x1 - x0)).square().flatten(1).mean(1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(params, w["grad_clip"])
            for g in opt.param_groups:
                g["lr"] = o["lr"] * min(1.0, (step + 1) / max(1, o["warmup_steps"]))
            opt.step()
            with torch.no_grad():
                beta = w["ema_beta"]
                for e, p in zip(ema, params):
                    e.mul_(beta).add_(p, alpha=1 - beta)
            if not (math.isfinite(loss.item()) and math.isfinite(norm.item())):
                raise RuntimeError("non-finite loss")

    return run, sum(p.numel() for p in params)


def train(w, out):
    run, params = train_state(w)
    rss_reset()
    run(w["warmup"])
    t0 = time.perf_counter()
    run(w["steps"])
    seconds = time.perf_counter() - t0
    out.update(seconds=seconds, steps_per_s=w["steps"] / seconds, items_per_s=w["steps"] * w["batch"] / seconds,
               params=params)


def sample_state(w):
    """The state of a sampling workload; returns (run, params): run(k) samples k more batches."""
    net = build(w).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    nfe, batch = w["nfe"], w["batch"]
    euler_last = nfe % 2 == 1
    steps = (nfe + 1) // 2
    grid = [1.0 - i / steps for i in range(steps + 1)]

    @torch.no_grad()
    def run(k):
        for _ in range(k):
            x = torch.randn(batch, *w["shape"])
            for i in range(steps):
                t, tn = grid[i], grid[i + 1]
                h = tn - t
                k1 = net(x, torch.full((batch,), t))
                euler = x + k1 * h
                if euler_last and i == steps - 1:
                    x = euler
                else:
                    k2 = net(euler, torch.full((batch,), tn))
                    x = x + (k1 + k2) * (h / 2)
            x.sum().item()

    return run, sum(p.numel() for p in net.parameters())


def sample(w, out):
    run, params = sample_state(w)
    rss_reset()
    run(w["warmup"])
    t0 = time.perf_counter()
    run(w["batches"])
    seconds = time.perf_counter() - t0
    out.update(seconds=seconds, items_per_s=w["batches"] * w["batch"] / seconds, params=params)


def matmul(w, out):
    n = w["size"]
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    t0 = time.perf_counter()
    for _ in range(w["repeats"]):
        c = a @ b
    c.sum().item()
    seconds = time.perf_counter() - t0
    out.update(seconds=seconds, gflops=2.0 * n ** 3 * w["repeats"] / seconds / 1e9)


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


def serve(spec_file):
    """Paired mode: one training or sampling workload, run in chunks on request, so that `reflow
    bench` can alternate the two sides within a workload. Protocol (lines starting with @@ on stdout,
    everything else is log): after set-up and the workload's warm-up, "@@ready JSON" (versions,
    start-up, parameters); then for each "run K" on stdin K more steps or batches and "@@done
    SECONDS"; on "quit", "@@rss PEAK_MIB" and exit."""
    spec = json.load(open(spec_file))
    startup = setup(spec)
    w = spec["workloads"][0]
    run, params = {"train": train_state, "sample": sample_state}[w["kind"]](w)
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


def main():
    if sys.argv[2] == "--serve":
        serve(sys.argv[1])
        return
    spec = json.load(open(sys.argv[1]))
    startup = setup(spec)
    results = {}
    global COMPOSITE
    for variant in spec.get("variants", ["native"]):
        COMPOSITE = variant == "composite"
        for w in spec["workloads"]:
            if COMPOSITE and w["kind"] == "matmul":
                continue
            out = {}
            {"train": train, "sample": sample, "matmul": matmul}[w["kind"]](w, out)
            out["peak_rss_mb"] = rss_mb("VmHWM")
            name = w["name"] + ("@composite" if COMPOSITE else "")
            results[name] = out
            print("torch  %-28s %s" % (name, json.dumps(out)), file=sys.stderr, flush=True)
    record = dict(versions(), startup_s=startup, results=results)
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        json.dump(record, f, indent=1)
    os.replace(tmp, sys.argv[2])


if __name__ == "__main__":
    main()
