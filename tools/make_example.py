#!/usr/bin/env python3
"""make_example.py: writes the shipped example models and inputs (examples/).

Deterministic (fixed seeds, Python's own Mersenne Twister; no numpy), so rerunning it
reproduces the committed files byte for byte:

  examples/toptag_lstm.json   the seed paper's top-tagging LSTM: LSTM(20) on 20x6,
                              Dense(64, relu), Dense(1, sigmoid), ap_fixed<16,6>, RF 1
  examples/toptag_gru.json    GRU(5, reset_after) on 20x6, Dense(5, relu), Dense(1, sigmoid)
  examples/toptag_lstm_up5k.json  the LSTM with reuse factor 2080 (every layer at its largest,
                              one multiplier each): the configuration that fits the iCE40 UP5K
  examples/*_in.txt           8 input sequences each, values in [0, 1]

Weights are uniform in +-1/sqrt(fan_in) (biases +-0.1, LSTM forget-gate bias 1 as Keras's
unit_forget_bias), which keeps pre-activations within a few units: inside ap_fixed<16,6>'s
range and in the sensitive part of sigmoid and tanh. They are random, not trained.

usage: tools/make_example.py [OUTDIR]   (default: the repository's examples/)
"""
import math
import os
import random
import sys

T, F = 20, 6


def uniform(rng, n, lim):
    return [round(rng.uniform(-lim, lim), 6) for _ in range(n)]


def matrix(rng, rows, cols, lim):
    return [uniform(rng, cols, lim) for _ in range(rows)]


def dense(rng, name, fan_in, units, act):
    return {"type": "dense", "name": name, "units": units, "activation": act,
            "kernel": matrix(rng, fan_in, units, 1 / math.sqrt(fan_in)),
            "bias": uniform(rng, units, 0.1)}


def lstm(rng, name, fan_in, units):
    bias = uniform(rng, 4 * units, 0.1)
    for j in range(units, 2 * units):       # gate order i, f, c, o: forget bias 1
        bias[j] = 1.0
    return {"type": "lstm", "name": name, "units": units, "activation": "tanh",
            "recurrent_activation": "sigmoid", "return_sequences": False,
            "kernel": matrix(rng, fan_in, 4 * units, 1 / math.sqrt(fan_in)),
            "recurrent_kernel": matrix(rng, units, 4 * units, 1 / math.sqrt(units)),
            "bias": bias}


def gru(rng, name, fan_in, units):
    return {"type": "gru", "name": name, "units": units, "activation": "tanh",
            "recurrent_activation": "sigmoid", "return_sequences": False, "reset_after": True,
            "kernel": matrix(rng, fan_in, 3 * units, 1 / math.sqrt(fan_in)),
            "recurrent_kernel": matrix(rng, units, 3 * units, 1 / math.sqrt(units)),
            "bias": matrix(rng, 2, 3 * units, 0.1)}


def fmt(v):
    """JSON text with one matrix row per line."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list) and v and isinstance(v[0], list):
        return "[\n        " + ",\n        ".join(fmt(r) for r in v) + "]"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    raise TypeError(v)


def write_model(path, name, layers):
    out = ['{\n  "rnnc": 1,\n  "name": "%s",\n' % name,
           '  "input": {"timesteps": %d, "features": %d},\n' % (T, F),
           '  "precision": "ap_fixed<16,6>",\n  "reuse_factor": 1,\n  "layers": [\n']
    ls = []
    for layer in layers:
        items = ['      "%s": %s' % (k, fmt(v)) for k, v in layer.items()]
        ls.append("    {\n" + ",\n".join(items) + "\n    }")
    out.append(",\n".join(ls))
    out.append("\n  ]\n}\n")
    with open(path, "w") as f:
        f.write("".join(out))


def write_inputs(path, seed, n=8):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("# %d sequences of %d timesteps x %d features, timestep-major, values in [0, 1]\n"
                % (n, T, F))
        for _ in range(n):
            f.write(" ".join("%.4f" % rng.random() for _ in range(T * F)) + "\n")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "examples")
    os.makedirs(outdir, exist_ok=True)

    rng = random.Random(20240611)
    write_model(os.path.join(outdir, "toptag_lstm.json"), "toptag_lstm",
                [lstm(rng, "lstm1", F, 20), dense(rng, "dense1", 20, 64, "relu"),
                 dense(rng, "out", 64, 1, "sigmoid")])
    write_inputs(os.path.join(outdir, "toptag_lstm_in.txt"), 1)
    with open(os.path.join(outdir, "toptag_lstm.json")) as f:
        text = f.read()
    with open(os.path.join(outdir, "toptag_lstm_up5k.json"), "w") as f:
        f.write(text.replace('"name": "toptag_lstm",', '"name": "toptag_lstm_up5k",', 1)
                .replace('"reuse_factor": 1,', '"reuse_factor": 2080,', 1))

    rng = random.Random(20240612)
    write_model(os.path.join(outdir, "toptag_gru.json"), "toptag_gru",
                [gru(rng, "gru1", F, 5), dense(rng, "dense1", 5, 5, "relu"),
                 dense(rng, "out", 5, 1, "sigmoid")])
    write_inputs(os.path.join(outdir, "toptag_gru_in.txt"), 2)


if __name__ == "__main__":
    main()
