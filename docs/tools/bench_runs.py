#!/usr/bin/python3
"""Markdown table for docs/PERFORMANCE.md from several `reflow bench` runs (not product code).

Usage: bench_runs.py DIR... (each holding a bench.json). Prints, per workload, each run's ratio
ReflowKit / PyTorch (its median over rounds), the median over runs, issue 22's target (>= 1.0 for
every row but the matmul) and whether the median meets it, and per run the
ReflowKit and PyTorch cores kept busy in the timed chunks and the disturbed chunks."""
import json, os, statistics, sys

runs = [json.load(open(os.path.join(os.path.expanduser(d), 'bench.json'))) for d in sys.argv[1:]]
names = [r['workload'] for r in runs[0]['rows']]
print('| workload | ' + ' | '.join(f'run {i + 1}' for i in range(len(runs))) + ' | median | target |')
print('|---|' + '---:|' * (len(runs) + 1) + '---|')
for n in names:
    rows = [next(r for r in run['rows'] if r['workload'] == n) for run in runs]
    ratios = [r['ratio'] for r in rows]
    med = statistics.median(ratios)
    target = '–' if rows[0]['kind'] == 'matmul' else '≥ 1.0 ' + ('met' if med >= 1.0 else '**not met**')
    print(f'| {n} | ' + ' | '.join(f'{x:.2f}' for x in ratios) + f' | **{med:.2f}** | {target} |')

def chunks(side):
    return [c for m in side for c in m.get('cpu', [])]

print('\nCPU in the timed chunks, per run (ReflowKit cores, PyTorch cores: minimum over all chunks;'
      ' others\' cores and steal: maximum; disturbed chunks of all):\n')
for i, run in enumerate(runs):
    ours = [c for r in run['rows'] for c in chunks(r['reflowkit'])]
    theirs = [c for r in run['rows'] for c in chunks(r['torch'])]
    both = ours + theirs
    if not both:
        print(f'- run {i + 1}: no CPU accounting'); continue
    bad = sum(1 for c in both if c['otherCores'] > 0.25 or c['stealCores'] > 0.25)
    print(f"- run {i + 1} ({run['settings'].get('date', '?')}): ReflowKit ≥ {min(c['ownCores'] for c in ours):.2f},"
          f" PyTorch ≥ {min(c['ownCores'] for c in theirs):.2f}, others ≤ {max(c['otherCores'] for c in both):.2f},"
          f" steal ≤ {max(c['stealCores'] for c in both):.2f}; disturbed {bad} of {len(both)}")
