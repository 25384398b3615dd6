#!/usr/bin/env python3
"""Memorization check for MNIST-like samples: nearest-neighbour pixel distances to the train split.

Usage: /usr/bin/python3 docs/tools/memorization.py DATA_DIR NAME.npy [NAME.npy ...]
  DATA_DIR  a fetched IDX data set (e.g. ~/.cache/reflowkit/data/mnist), 28x28, gzipped or not
  NAME.npy  samples written by `reflow sample` ([count, 256], 16x16 in [-1, 1])

The images are resized 28x28 -> 16x16 by exact area averaging and scaled v / 127.5 - 1, as
ReflowKit's loader does. For 2 000 held-out test images and for each sample file it prints the
median and 5th-percentile distance to the nearest train image, the share of queries closer to a
train image than the 5th percentile of the test images (a copying model pushes this far above
0.05), and the median distance to the nearest test image.
"""
import gzip
import os
import sys

import numpy as np


def idx_images(path):
    opener, p = (gzip.open, path + '.gz') if os.path.exists(path + '.gz') else (open, path)
    with opener(p, 'rb') as f:
        b = f.read()
    n, h, w = (int.from_bytes(b[k:k + 4], 'big') for k in (4, 8, 12))
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, h, w)


def area_weights(n_in, n_out):
    w = np.zeros((n_out, n_in))
    s = n_in / n_out
    for o in range(n_out):
        a, b = o * s, (o + 1) * s
        for i in range(int(a), int(np.ceil(b))):
            w[o, i] = max(0.0, min(b, i + 1) - max(a, i))
    return w / s


def prepare(x, w):
    return np.einsum('oi,nij,pj->nop', w, x / 127.5 - 1.0, w).reshape(len(x), -1).astype(np.float32)


def nearest(queries, ref, chunk=500):
    out = np.empty(len(queries))
    ref_sq = (ref ** 2).sum(1)
    for i in range(0, len(queries), chunk):
        q = queries[i:i + chunk]
        d = (q ** 2).sum(1)[:, None] + ref_sq[None] - 2 * q @ ref.T
        out[i:i + chunk] = np.sqrt(np.maximum(d.min(1), 0))
    return out


def main(data_dir, sample_files):
    w = area_weights(28, 16)
    train = prepare(idx_images(os.path.join(data_dir, 'train-images-idx3-ubyte')), w)
    test = prepare(idx_images(os.path.join(data_dir, 't10k-images-idx3-ubyte')), w)
    held_out = test[np.random.default_rng(0).choice(len(test), 2000, replace=False)]
    print('| samples | median NN distance to train | 5th percentile | share below the test images\' 5th percentile'
          ' | median NN distance to test |')
    print('|---|---:|---:|---:|---:|')
    d = nearest(held_out, train)
    p5 = np.percentile(d, 5)
    print(f'| test images (held out) | {np.median(d):.3f} | {p5:.3f} | {np.mean(d < p5):.3f} | – |')
    for f in sample_files:
        q = np.load(f).reshape(-1, train.shape[1]).astype(np.float32)
        d = nearest(q, train)
        print(f'| {os.path.basename(f)} | {np.median(d):.3f} | {np.percentile(d, 5):.3f} | {np.mean(d < p5):.3f}'
              f' | {np.median(nearest(q, test)):.3f} |')


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
