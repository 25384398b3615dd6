"""A flow-matching model trained in PyTorch, in the convention of facebookresearch/flow_matching
and torchcfm (t = 0 noise, t = 1 data), scripted for `reflow import --convention fm`.

    /usr/bin/python3 docs/interop/train_fm.py runs/torch/fm_mlp.pt

Data: FFJORD's 8 Gaussians as ReflowKit's `8gaussians` defines them (centres 4u for the 8 compass
directions u, x = (c + 0.5 z) / 1.414). A few minutes on 2 CPU cores.
"""
import math
import sys

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


def eight_gaussians(n):
    s = math.sqrt(0.5)
    centres = torch.tensor([[1, 0], [-1, 0], [0, 1], [0, -1], [s, s], [s, -s], [-s, s], [-s, -s]]) * 4.0
    c = centres[torch.randint(0, 8, (n,))]
    return (c + 0.5 * torch.randn(n, 2)) / 1.414


class VelocityMlp(nn.Module):
    """u(x, t) with t = 0 noise and t = 1 data: flow_matching's ModelWrapper signature (x, t)."""

    def __init__(self, h: int = 256):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(),
                                 nn.Linear(h, 2))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, t[:, None]], dim=1))


model = VelocityMlp()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(4000):
    x1 = eight_gaussians(512)            # data at t = 1
    x0 = torch.randn_like(x1)            # noise at t = 0
    t = torch.rand(512)
    xt = (1 - t[:, None]) * x0 + t[:, None] * x1
    loss = ((model(xt, t) - (x1 - x0)) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 1000 == 0:
        print(f"step {step} loss {loss.item():.4f}")
torch.jit.script(model.eval()).save(sys.argv[1])
print("saved", sys.argv[1])
