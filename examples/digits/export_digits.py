#!/usr/bin/env python3
"""Export scikit-learn's 8x8 digits as .npy files for the digits example.

    python3 export_digits.py OUT_DIR [--seed 0] [--test 357]

Writes OUT_DIR/{train,test}_x.npy (float32 [N, 64], pixels scaled to [0, 1])
and OUT_DIR/{train,test}_y.npy (int64 [N], labels 0..9). The data ships with
scikit-learn (1797 images), so nothing is downloaded.
"""
import argparse
import os

import numpy as np
from sklearn.datasets import load_digits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", help="directory to write the .npy files into")
    ap.add_argument("--seed", type=int, default=0, help="shuffle seed")
    ap.add_argument("--test", type=int, default=357,
                    help="number of test images (the rest is training)")
    args = ap.parse_args()

    digits = load_digits()
    # Pixels are 0..16. Explicit little-endian dtypes: the format train.c reads.
    x = (digits.data / 16.0).astype("<f4")
    y = digits.target.astype("<i8")
    assert x.shape[1] == 64 and 0 < args.test < len(x)

    order = np.random.default_rng(args.seed).permutation(len(x))
    x, y = x[order], y[order]
    n_train = len(x) - args.test

    os.makedirs(args.out_dir, exist_ok=True)
    # ascontiguousarray: slices of a C-order array are C-order already, but
    # train.c accepts nothing else, so make it explicit.
    for name, arr in [("train_x", x[:n_train]), ("train_y", y[:n_train]),
                      ("test_x", x[n_train:]), ("test_y", y[n_train:])]:
        np.save(os.path.join(args.out_dir, name + ".npy"),
                np.ascontiguousarray(arr))
    print(f"wrote {n_train} training and {args.test} test images "
          f"to {args.out_dir}")


if __name__ == "__main__":
    main()
