#!/usr/bin/python3
"""Markdown tables for docs/RESULTS.md from run directories (not product code).

Usage: tables.py main|ablation ABLATE_DIR; tables.py guidance GUIDE_DIR; tables.py cfg COND_DIR
(the directories of docs/RESULTS.md's commands, e.g. ~/reflowkit-runs/mnist, ~/reflowkit-runs/mnist-guide)."""
import json, sys, os, glob

def fmt(c, metric='fd', digits=2):
    if c is None or metric not in c: return '–'
    m = c[metric]; mean, std = m['mean'], m['std']
    return f"{mean:.{digits}f} ± {std:.{digits}f}" if m['seeds'] > 1 else f"{mean:.{digits}f}"

def load_ablation(name):
    return json.load(open(os.path.join(os.path.expanduser(name), 'ablation.json')))

def main_table(name):
    a = load_ablation(name)
    rows = {r['variant']: r['columns'] for r in a['rows']}
    nfes = sorted({int(k.split('@')[1]) for r in rows.values() for k in r if '@' in k})
    grids = []
    for r in rows.values():
        for k in r:
            if '@' in k and k.split('@')[0] not in grids: grids.append(k.split('@')[0])
    print(f"FD ({a['count']} samples, mean ± std over seeds {a['seeds']}; {a['data']}):\n")
    print('| model | grid | ' + ' | '.join(f'NFE {n}' for n in nfes) + ' | dopri5 |')
    print('|---|---|' + '---|' * (len(nfes) + 1))
    for model in [m for m in rows if m != 'floor (data vs data)']:
        for i, g in enumerate(grids):
            cells = [fmt(rows[model].get(f'{g}@{n}')) for n in nfes]
            ad = rows[model].get('adaptive')
            ref = (fmt(ad) + f" ({ad['nfe']:.0f} NFE)") if (i == 0 and ad) else ''
            print(f"| {model if i == 0 else ''} | {g} | " + ' | '.join(cells) + f' | {ref} |')
    fl = rows.get('floor (data vs data)', {}).get('floor')
    if fl: print(f"\nFloor (test vs train): FD {fmt(fl)}, KID {fmt(fl, 'kid', 3)}, precision {fmt(fl, 'precision', 3)}, recall {fmt(fl, 'recall', 3)}.")
    print('\nKID, precision and recall at NFE 9 (grid ' + grids[0] + ', then shifted) and dopri5:\n')
    print('| model | column | KID | precision | recall |')
    print('|---|---|---|---|---|')
    for model in [m for m in rows if m != 'floor (data vs data)']:
        for col in [f'{grids[0]}@9', 'shifted@9', 'adaptive']:
            c = rows[model].get(col)
            if c: print(f"| {model} | {col} | {fmt(c, 'kid', 3)} | {fmt(c, 'precision', 3)} | {fmt(c, 'recall', 3)} |")

def runs(path):
    m = json.load(open(path))
    return {(r['grid'], r['nfe']): r['metrics'] for r in m['runs']}

def guidance(G):
    G = os.path.expanduser(G)
    plain = runs(f'{G}/plain.json')
    print('| weak model | w | ' + ' | '.join(f'total NFE {n}' for n in [2, 4, 8, 18]) + ' |')
    print('|---|---|---|---|---|---|')
    print('| (none: unguided, shifted grid) | 1 | ' + ' | '.join(
        f"{plain[('shifted', n)]['fd']:.2f}" if ('shifted', n) in plain else '–' for n in [2, 4, 8]) + ' | – |')
    for weak in ['weak-500', 'step1500']:
        for w in ['1.25', '1.5', '2', '3']:
            f = f'{G}/{weak}-w{w}.json'
            if not os.path.exists(f): continue
            g = runs(f)
            print(f'| {weak} | {w} | ' + ' | '.join(f"{g[('shifted', n)]['fd']:.2f}" if ('shifted', n) in g else '–'
                                               for n in [2, 4, 8, 18]) + ' |')

def cfg(C):
    C = os.path.expanduser(C)
    print('| model | w | ' + ' | '.join(f'NFE {n}: FD / class acc' for n in [1, 2, 4, 9]) + ' |')
    print('|---|---|---|---|---|---|')
    for m in ['teacher', 'simple-reflow']:
        for w in ['1', '1.5', '2', '3']:
            f = f'{C}/cfg-{m}-w{w}.json'
            if not os.path.exists(f): continue
            g = runs(f)
            print(f'| {m} | {w} | ' + ' | '.join(
                f"{g[('shifted', n)]['fd']:.2f} / {g[('shifted', n)].get('class_acc', float('nan')):.3f}"
                if ('shifted', n) in g else '–' for n in [1, 2, 4, 9]) + ' |')

def ablation(name):
    a = load_ablation(name)
    print(f"FD ({a['count']} samples, mean ± std over seeds {a['seeds']}; {a['data']}); grid per row:\n")
    print('| variant | grid | NFE 2 | NFE 9 |')
    print('|---|---|---|---|')
    for r in a['rows']:
        c = r['columns']
        if 'floor' in c:
            print(f"| {r['variant']} | – | {fmt(c['floor'])} | {fmt(c['floor'])} |"); continue
        grids = [k.split('@')[0] for k in c if '@' in k]
        g = grids[0] if grids else '?'
        print(f"| {r['variant']} | {g} | {fmt(c.get(f'{g}@2'))} | {fmt(c.get(f'{g}@9'))} |")

if __name__ == '__main__':
    what = sys.argv[1]
    if what == 'main': main_table(sys.argv[2])
    elif what == 'guidance': guidance(sys.argv[2])
    elif what == 'cfg': cfg(sys.argv[2])
    elif what == 'ablation': ablation(sys.argv[2])
