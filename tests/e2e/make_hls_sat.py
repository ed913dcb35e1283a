#!/usr/bin/env python3
"""Writes tests/e2e/cases/hls_sat_*.json and .txt: models run under --numerics hls4ml (the e2e
suite gives every hls_* case that flag) whose accumulators saturate in the middle of a sum, so
that hls4ml's order (bias, then the products by input, each sum cast) gives other values than
the exact sum cast once, which an adder tree computes.

The weights are built for it: each output's first products push the sum past the accum's
range, the later ones pull it back (or the other way round), on inputs that are mostly
positive. tests/e2e/run.sh checks, besides RTL == emulator, that rnnc's own numerics (the
exact sum cast once) differ on these models. Deterministic (a fixed seed); rerun only to change
a case:  python3 tests/e2e/make_hls_sat.py"""
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
rng = random.Random(1401)


def r6(x):
    return round(x, 6)


def ordered_matrix(rows, cols, mag):
    """rows x cols: in each column the first half of the rows (+ or -) large one way, the rest
    the other way, with a little noise: partial sums overflow, the total is moderate."""
    m = []
    for k in range(rows):
        row = []
        for j in range(cols):
            sign = 1 if (k < (rows + 1) // 2) == (j % 2 == 0) else -1
            row.append(r6(sign * mag * rng.uniform(0.8, 1.2)))
        m.append(row)
    return m


def small(rows, cols, mag):
    return [[r6(rng.uniform(-mag, mag)) for _ in range(cols)] for _ in range(rows)]


def vec(n, mag):
    return [r6(rng.uniform(-mag, mag)) for _ in range(n)]


def inputs(path, n_seq, steps, feat, lo=0.3):
    with open(path, "w") as f:
        f.write(f"# {n_seq} sequences of {steps} timesteps x {feat} features, mostly in [{lo}, 1]\n")
        for _ in range(n_seq):
            vals = [rng.uniform(lo, 1.0) if rng.random() < 0.85 else rng.uniform(-1.0, 0.0)
                    for _ in range(steps * feat)]
            f.write(" ".join(f"{v:.4f}" for v in vals) + "\n")


def write(name, model, steps, feat, n_seq=6):
    model = {"rnnc": 1, "name": name, **model}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    inputs(os.path.join(OUT, name + ".txt"), n_seq, steps, feat)


SAT = "ap_fixed<10,3,AP_TRN,AP_SAT>"

# a dense on every timestep, then a dense with another saturating mode (reuse factor 1)
write("hls_sat_dense", {
    "input": {"timesteps": 3, "features": 6, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "dense", "name": "d0", "units": 4, "activation": "linear",
         "precision": {"accum": SAT, "result": "ap_fixed<10,3>"},
         "kernel": ordered_matrix(6, 4, 1.5), "bias": vec(4, 0.5)},
        {"type": "dense", "name": "d1", "units": 3, "activation": "tanh",
         "precision": {"accum": "ap_fixed<9,2,AP_RND,AP_SAT_SYM>", "result": "ap_fixed<12,4>"},
         "kernel": ordered_matrix(4, 3, 0.9), "bias": vec(3, 0.3)},
    ]}, 3, 6)

# an LSTM whose accum (= result = state, as hls4ml's RTL needs) saturates, its sequence out
U = 3
write("hls_sat_lstm", {
    "input": {"timesteps": 4, "features": 6, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "lstm", "name": "lstm", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
         "return_sequences": True,
         "precision": {"accum": "ap_fixed<10,3,AP_RND,AP_SAT>", "result": "ap_fixed<10,3,AP_RND,AP_SAT>",
                       "state": "ap_fixed<10,3,AP_RND,AP_SAT>"},
         "kernel": ordered_matrix(6, 4 * U, 2.0), "recurrent_kernel": ordered_matrix(U, 4 * U, 2.5),
         "bias": vec(4 * U, 0.5)},
    ]}, 4, 6)

# a GRU (reset_after, its own recurrent bias row) whose accum saturates
write("hls_sat_gru", {
    "input": {"timesteps": 4, "features": 5, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "gru", "name": "gru", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
         "reset_after": True, "return_sequences": True,
         "precision": {"accum": SAT, "result": SAT},
         "kernel": ordered_matrix(5, 3 * U, 1.8), "recurrent_kernel": ordered_matrix(U, 3 * U, 2.5),
         "bias": [vec(3 * U, 0.5), vec(3 * U, 0.5)]},
    ]}, 4, 5)

# hls4ml's latency softmax whose exp entries wrap negative in their table type, summed in a
# saturating accum along nnet::reduce's tree
write("hls_sat_softmax", {
    "input": {"timesteps": 1, "features": 4, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "dense", "name": "logits", "units": 5, "activation": "softmax", "table_size": 256,
         "softmax": {"implementation": "latency", "exp_table": "ap_fixed<10,4>",
                     "accum": "ap_fixed<10,4,AP_TRN,AP_SAT>", "input": "ap_fixed<8,4>"},
         "kernel": small(4, 5, 4.0), "bias": vec(5, 2.0)},
    ]}, 1, 4, n_seq=24)

# reuse factors > 1: rnnc_mac_sat starts every run from its bias. Dense: two outputs per
# multiplier (the bias switches between runs), then one per multiplier.
write("hls_sat_dense_r", {
    "input": {"timesteps": 3, "features": 6, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "dense", "name": "d0", "units": 4, "activation": "linear", "reuse_factor": 12,
         "precision": {"accum": SAT, "result": "ap_fixed<10,3>"},
         "kernel": ordered_matrix(6, 4, 1.5), "bias": vec(4, 0.5)},
        {"type": "dense", "name": "d1", "units": 3, "activation": "tanh", "reuse_factor": 4,
         "precision": {"accum": "ap_fixed<9,2,AP_RND,AP_SAT_SYM>", "result": "ap_fixed<12,4>"},
         "kernel": ordered_matrix(4, 3, 0.9), "bias": vec(3, 0.3)},
    ]}, 3, 6)

# LSTM: x*W at reuse 12 (two gate rows per multiplier), h*U at 3 (one per multiplier, + xw)
write("hls_sat_lstm_r", {
    "input": {"timesteps": 4, "features": 6, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "lstm", "name": "lstm", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
         "return_sequences": True, "reuse_factor": 12, "recurrent_reuse_factor": 3,
         "precision": {"accum": "ap_fixed<10,3,AP_RND,AP_SAT>", "result": "ap_fixed<10,3,AP_RND,AP_SAT>",
                       "state": "ap_fixed<10,3,AP_RND,AP_SAT>"},
         "kernel": ordered_matrix(6, 4 * U, 2.0), "recurrent_kernel": ordered_matrix(U, 4 * U, 2.5),
         "bias": vec(4 * U, 0.5)},
    ]}, 4, 6)

# GRU: x*W at reuse 5 (one row per multiplier), h*U and its recurrent bias at 6 (two rows per
# multiplier: the recurrent bias switches between runs)
write("hls_sat_gru_r", {
    "input": {"timesteps": 4, "features": 5, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "gru", "name": "gru", "units": U, "activation": "tanh", "recurrent_activation": "sigmoid",
         "reset_after": True, "return_sequences": True, "reuse_factor": 5, "recurrent_reuse_factor": 6,
         "precision": {"accum": SAT, "result": SAT},
         "kernel": ordered_matrix(5, 3 * U, 1.8), "recurrent_kernel": ordered_matrix(U, 3 * U, 2.5),
         "bias": [vec(3 * U, 0.5), vec(3 * U, 0.5)]},
    ]}, 4, 5)

# one multiplier for 20 outputs of 3 terms (reuse 60): more than 16 captures, so the bias of
# the next run comes from plan.c's staged (registered) lookup
write("hls_sat_dense_staged", {
    "input": {"timesteps": 2, "features": 3, "precision": "ap_fixed<16,6>"},
    "precision": "ap_fixed<16,6>",
    "layers": [
        {"type": "dense", "name": "d0", "units": 20, "activation": "linear", "reuse_factor": 60,
         "precision": {"accum": SAT, "result": "ap_fixed<10,3>"},
         "kernel": ordered_matrix(3, 20, 2.2), "bias": vec(20, 1.5)},
    ]}, 2, 3)
