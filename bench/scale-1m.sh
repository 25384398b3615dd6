#!/usr/bin/env bash
# Issue 21 part 6, docs/PERFORMANCE.md "Pair stores at the paper's scale": a 1,000,000-pair store of 1x28x28
# (~5.9 GB) from an analytic EDM teacher scripted in PyTorch, read by ReFlow training streamed, against a
# 100,000-pair store of the same shape in memory. Usage: bench/scale-1m.sh DIR (needs /usr/bin/python3 with torch,
# ~7 GB free in DIR). Run it on an otherwise idle machine: it compares throughputs.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:?usage: bench/scale-1m.sh DIR}
mkdir -p "$dir" && cd "$dir"
reflow() { "$repo/reflow" "$@"; }
timed() { /usr/bin/time -f "wall %e s, peak RSS %M KB" "$repo/reflow" "$@"; }
[ -f gauss28.pt ] || /usr/bin/python3 "$repo/bench/make_analytic_teacher.py" gauss28.pt
[ -f teacher/model.ckpt ] || reflow import --torchscript gauss28.pt --convention edm --sample-shape 1,28,28 --out teacher
P=(--set pairs.nfe=3 --set pairs.batch_size=2000 --set pairs.shard_size=10000 --set pairs.workers=1)
timed pairs --teacher teacher/model.ckpt --direction backward --count 1000000 "${P[@]}" --out pairs-1m
timed pairs --teacher teacher/model.ckpt --direction backward --count 100000 "${P[@]}" --out pairs-100k
du -sh pairs-1m pairs-100k
T=(--set reflow.teacher=teacher/model.ckpt --set model.type=unet --set model.channels=16 --set 'model.channel_mult=[1,2,2]'
   --set model.groups=4 --set 'model.attention_resolutions=[]' --set train.steps=400 --set train.batch_size=64
   --set train.checkpoint_every=400 --set train.log_every=100 --set data.resolution=28)
for k in 1 2; do
  timed train "${T[@]}" --set 'reflow.pairs=[pairs-1m]' --set reflow.streaming=always --out "train-1m-streamed-$k"
  timed train "${T[@]}" --set 'reflow.pairs=[pairs-100k]' --set reflow.streaming=never --out "train-100k-memory-$k"
done
