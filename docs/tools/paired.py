#!/usr/bin/python3
"""Per-seed FD of baseline and simple-reflow from an ablation directory's evaluation journal, and their paired differences.

Usage: docs/tools/paired.py ABLATE_DIR SEEDS   (e.g. ~/reflowkit-runs/fashion 0,1,2). For docs/RESULTS.md; not product code."""
import json, sys, os, glob, hashlib, statistics
d, seeds = os.path.expanduser(sys.argv[1]), [int(x) for x in sys.argv[2].split(',')]
def sha(p):
    h = hashlib.sha256()
    with open(p, 'rb') as f:
        for b in iter(lambda: f.read(1 << 20), b''): h.update(b)
    return h.hexdigest()
res = {}
for m in ['baseline', 'simple-reflow']:
    runs = [json.load(open(f)) for f in glob.glob(os.path.join(d, 'evaluation', m, 'run-*.json'))]
    for k in seeds:
        s = sha(os.path.realpath(os.path.join(d, 'runs', f'{m}-seed{k}', 'model.ckpt')))
        for r in runs:
            if r['checkpoint_sha256'] != s: continue
            g = r['run']['grid']; key = (g, 0 if g == 'adaptive' else int(r['run']['nfe']))
            res.setdefault((m, key), {})[k] = r['run']['metrics']['values']['fd']['mean']
keys = sorted({k for (_, k) in res}, key=lambda x: (x[0] != 'uniform', x[0], x[1]))
print('| grid | NFE | baseline per seed | simple-reflow per seed | difference (baseline − simple) per seed | mean ± std |')
print('|---|---|---|---|---|---|')
for key in keys:
    b, s = res.get(('baseline', key), {}), res.get(('simple-reflow', key), {})
    common = [k for k in seeds if k in b and k in s]
    d = [b[k] - s[k] for k in common]
    ms = f"{statistics.mean(d):.2f} ± {statistics.stdev(d):.2f}" if len(d) > 1 else (f"{d[0]:.2f}" if d else '–')
    print(f"| {key[0]} | {key[1]} | " + ', '.join(f'{b[k]:.2f}' for k in common) + ' | ' + ', '.join(f'{s[k]:.2f}' for k in common)
          + ' | ' + ', '.join(f'{x:.2f}' for x in d) + f' | {ms} |')
