"""PyTorch side of ReflowKit's interop tests (run with Debian's /usr/bin/python3 and python3-torch).

    torch_models.py make DIR        scripted modules in each convention, inputs and reference outputs
    torch_models.py velocity DIR    velocities of every module of DIR on DIR/x.npy, DIR/t.npy (ours)
    torch_models.py heun MODULE NOISE NFE CONVENTION OUT
                                    ReflowKit's default Heun plan (uniform grid, 1 -> 0) in Python
    torch_models.py exported FILE X T OUT [Y]
                                    an exported ReflowKit module's velocities
"""
import sys

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)


class Mlp(nn.Module):
    """A velocity MLP taking (x, t), t = 0 data (rf) or t = 0 noise (fm)."""

    def __init__(self, d: int = 2, h: int = 32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d + 1, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(), nn.Linear(h, d))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, t[:, None]], dim=1))


class TorchCfmMlp(nn.Module):
    """torchcfm's signature: (t, x)."""

    def __init__(self, d: int = 2, h: int = 32):
        super().__init__()
        self.inner = Mlp(d, h)

    def forward(self, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x, t)


class TinyUNet(nn.Module):
    """A small conv net with a time embedding and a skip, for (N, 1, 8, 8) images."""

    def __init__(self, c: int = 16):
        super().__init__()
        self.inp = nn.Conv2d(1, c, 3, padding=1)
        self.down = nn.Conv2d(c, c, 3, stride=2, padding=1)
        self.mid = nn.Conv2d(c, c, 3, padding=1)
        self.up = nn.Conv2d(2 * c, c, 3, padding=1)
        self.out = nn.Conv2d(c, 1, 3, padding=1)
        self.emb = nn.Linear(16, c)
        self.norm = nn.GroupNorm(4, c)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        f = torch.exp(-torch.arange(8, dtype=torch.float32) * 1.15)
        a = t[:, None] * 100.0 * f[None, :]
        e = self.emb(torch.cat([torch.sin(a), torch.cos(a)], 1))[:, :, None, None]
        h0 = torch.nn.functional.silu(self.norm(self.inp(x)) + e)
        h1 = torch.nn.functional.silu(self.down(h0))
        h1 = torch.nn.functional.silu(self.mid(h1))
        u = torch.nn.functional.interpolate(h1, scale_factor=2.0, mode="nearest")
        h = torch.nn.functional.silu(self.up(torch.cat([u, h0], 1)))
        return self.out(h)


class ClassMlp(nn.Module):
    """A class-conditional MLP taking (x, t, y) with int labels; label K is the null class."""

    def __init__(self, d: int = 2, k: int = 3, h: int = 32):
        super().__init__()
        self.table = nn.Embedding(k + 1, 4)
        self.net = nn.Sequential(nn.Linear(d + 5, h), nn.SiLU(), nn.Linear(h, d))

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, t[:, None], self.table(y)], dim=1))


class GaussianDenoiser(nn.Module):
    """EDM's D(x_sigma; sigma) for data N(mu, s^2 I): E[x0 | x_sigma] = (s^2 x_sigma + sigma^2 mu) / (s^2 + sigma^2)."""

    def __init__(self, mu: float, s: float):
        super().__init__()
        self.mu = mu
        self.s2 = s * s

    def forward(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        sig2 = (sigma * sigma)[:, None]
        return (self.s2 * x + sig2 * self.mu) / (self.s2 + sig2)


MODULES = {
    # name: (module, convention, inputs, sample shape)
    "mlp_rf": (lambda: Mlp(), "rf", "x,t", (2,)),
    "mlp_fm": (lambda: Mlp(), "fm", "x,t", (2,)),
    "mlp_torchcfm": (lambda: TorchCfmMlp(), "fm", "t,x", (2,)),
    "unet_rf": (lambda: TinyUNet(), "rf", "x,t", (1, 8, 8)),
    "unet_fm": (lambda: TinyUNet(), "fm", "x,t", (1, 8, 8)),
    "class_rf": (lambda: ClassMlp(), "rf", "x,t,y", (2,)),
    "edm_gauss": (lambda: GaussianDenoiser(0.5, 0.8), "edm", "x,t", (2,)),
}


def ours(module, convention, inputs, x, t, y=None):
    """The module's velocity in ReflowKit's convention (t = 0 data, t = 1 noise), in float64 where it matters."""
    def call(xx, tt):
        args = (tt, xx) if inputs.startswith("t,") else (xx, tt)
        if y is not None:
            args = args + (y,)
        return module(*args)
    if convention == "rf":
        return call(x, t)
    if convention == "fm":
        return -call(x, 1 - t)
    tc = t.clamp(0.002 / 1.002, 80.0 / 81.0)
    keep = (1 - tc).reshape([-1] + [1] * (x.dim() - 1))
    d = call(x / keep, tc / (1 - tc))
    return (x - d) / tc.reshape(keep.shape)


def make(out):
    for name, (build, convention, inputs, shape) in MODULES.items():
        m = torch.jit.script(build().eval())
        m.save(f"{out}/{name}.pt")
        n = 6
        x = torch.randn((n,) + shape)
        t = torch.tensor([0.02, 0.2, 0.45, 0.6, 0.9, 0.99])
        np.save(f"{out}/{name}.x.npy", x.numpy())
        np.save(f"{out}/{name}.t.npy", t.numpy())
        y = torch.tensor([0, 1, 2, 3, 1, 0]) if name.startswith("class") else None
        if y is not None:
            np.save(f"{out}/{name}.y.npy", y.numpy().astype(np.float32))
        with torch.no_grad():
            v = ours(m, convention, inputs, x, t, y)
        np.save(f"{out}/{name}.v.npy", v.numpy())
        with open(f"{out}/{name}.meta", "w") as f:
            f.write(f"{convention} {inputs} {','.join(str(s) for s in shape)}\n")


def heun(module_file, noise_file, nfe, convention, inputs, out):
    """ReflowKit's default heun plan: floor(NFE/2) uniform steps, Heun then a midpoint (even) or Ralston (odd) step."""
    m = torch.jit.load(module_file)
    x = torch.from_numpy(np.load(noise_file)).double()
    steps = max(1, nfe // 2)
    grid = [1 - i / steps for i in range(steps + 1)]
    grid[-1] = 0.0

    def v(xx, tt):
        with torch.no_grad():
            return ours(m, convention, inputs, xx.float(), torch.full((xx.shape[0],), tt, dtype=torch.float32)).double()

    for i in range(steps):
        t0, t1 = grid[i], grid[i + 1]
        h = t1 - t0
        k1 = v(x, t0)
        if i < steps - 1:
            k2 = v(x + h * k1, t1)
            x = x + h / 2 * (k1 + k2)
        elif nfe == 1:
            x = x + h * k1
        elif nfe % 2 == 0:
            x = x + h * v(x + h / 2 * k1, t0 + h / 2)
        else:
            k2 = v(x + h / 2 * k1, t0 + h / 2)
            k3 = v(x + 3 * h / 4 * k2, t0 + 3 * h / 4)
            x = x + h * (2 * k1 + 3 * k2 + 4 * k3) / 9
    np.save(out, x.float().numpy())


def exported(module_file, x_file, t_file, out, y_file=None):
    m = torch.jit.load(module_file)
    x = torch.from_numpy(np.load(x_file))
    t = torch.from_numpy(np.load(t_file))
    with torch.no_grad():
        v = m(x, t) if y_file is None else m(x, t, torch.from_numpy(np.load(y_file)).long())
    np.save(out, v.numpy())


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "heun":
        heun(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7])
    elif cmd == "exported":
        exported(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        raise SystemExit("unknown command " + cmd)
