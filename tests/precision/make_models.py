#!/usr/bin/env python3
"""make_models.py: models built to break ap_fixed<16,6>, as rnnc model.json.

    make_models.py OUTDIR

writes OUTDIR/wrapnet.json (a GRU(16) on 15x8 with one kernel weight of 44.3, then a relu
chain Dense 64-32-16 whose sums grow past 32, and Dense(1, sigmoid)) and OUTDIR/lstmwrap.json
(an LSTM(12) with large kernel weights and a Dense 32-16 relu chain). Models are built like the
jet-flavour models of issue 13; everything depends only on the fixed seeds. Their outputs are
committed in tests/precision/ (make_models.py tests/precision); tests/precision/run.sh does not
run this script (make test needs no Python) and draws the calibration and test inputs itself.
"""
import json
import random
import sys


def mat(rng, rows, cols, lo, hi):
    return [[round(rng.uniform(lo, hi), 6) for _ in range(cols)] for _ in range(rows)]


def vec(rng, n, lo, hi):
    return [round(rng.uniform(lo, hi), 6) for _ in range(n)]


def wrapnet(rng):
    T, F, U = 15, 8, 16
    k = mat(rng, F, 3 * U, -0.6, 0.6)
    k[3][2 * U + 5] = 44.3          # the candidate of unit 5 sees 44.3 * x_3
    layers = [{"type": "gru", "name": "gru", "units": U, "reset_after": True,
               "kernel": k, "recurrent_kernel": mat(rng, U, 3 * U, -0.5, 0.5),
               "bias": [vec(rng, 3 * U, -0.2, 0.2), vec(rng, 3 * U, -0.2, 0.2)]}]
    prev = U
    for name, n, lo, hi in (("d64", 64, -0.3, 1.0), ("d32", 32, -0.2, 0.6), ("d16", 16, -0.2, 0.3)):
        layers.append({"type": "dense", "name": name, "units": n, "activation": "relu",
                       "kernel": mat(rng, prev, n, lo, hi), "bias": vec(rng, n, 0.0, 0.5)})
        prev = n
    layers.append({"type": "dense", "name": "out", "units": 1, "activation": "sigmoid",
                   "kernel": mat(rng, prev, 1, -0.3, 0.25), "bias": [0.0]})
    return {"rnnc": 1, "name": "wrapnet", "input": {"timesteps": T, "features": F}, "layers": layers}, T, F


def lstmwrap(rng):
    T, F, U = 10, 6, 12
    k = mat(rng, F, 4 * U, -2.0, 2.0)
    k[0][2 * U + 1] = -37.5
    layers = [{"type": "lstm", "name": "lstm", "units": U, "kernel": k,
               "recurrent_kernel": mat(rng, U, 4 * U, -0.5, 0.5), "bias": vec(rng, 4 * U, -0.3, 0.3)}]
    prev = U
    for name, n, lo, hi in (("d32", 32, -0.2, 1.2), ("d16", 16, -0.1, 3.0)):
        layers.append({"type": "dense", "name": name, "units": n, "activation": "relu",
                       "kernel": mat(rng, prev, n, lo, hi), "bias": vec(rng, n, 0.0, 0.5)})
        prev = n
    layers.append({"type": "dense", "name": "out", "units": 3, "activation": "softmax",
                   "kernel": mat(rng, prev, 3, -0.04, 0.04), "bias": [0.0, 0.0, 0.0]})
    return {"rnnc": 1, "name": "lstmwrap", "input": {"timesteps": T, "features": F}, "layers": layers}, T, F


def main():
    out = sys.argv[1]
    for seed, make in ((13, wrapnet), (14, lstmwrap)):
        rng = random.Random(seed)
        model = make(rng)[0]
        with open("%s/%s.json" % (out, model["name"]), "w") as f:
            json.dump(model, f)


main()
