"""Samples an exported module with a plain Euler loop.

    /usr/bin/python3 docs/interop/sample.py MODULE.pt rf|fm [NFE]

rf (a ReflowKit model): module(x, t) is v in ReflowKit's convention (t = 0 data, t = 1 noise):
integrate dx/dt = v from t = 1 to t = 0. fm (an imported flow_matching/torchcfm model, reflowed
or not): module(x, t) is u with t = 0 noise, t = 1 data: integrate dx/dt = u from t = 0 to 1.
"""
import sys

import torch

module = torch.jit.load(sys.argv[1])
convention = sys.argv[2]
nfe = int(sys.argv[3]) if len(sys.argv) > 3 else 9
torch.manual_seed(0)
x = torch.randn(1000, 2)
with torch.no_grad():
    for i in range(nfe):
        if convention == "rf":
            t, h = 1 - i / nfe, -1 / nfe
        else:
            t, h = i / nfe, 1 / nfe
        x = x + h * module(x, torch.full((x.shape[0],), t))
print(f"{nfe} Euler steps: sample mean {x.mean(0).tolist()}, std {x.std(0).tolist()}, "
      f"mean radius {x.norm(dim=1).mean().item():.3f} (8gaussians: centres at radius 2.83)")
