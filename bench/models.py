#!/usr/bin/env python3
"""models.py OUTDIR: the benchmark models (deterministic; standard library only).

  toptag_lstm_rf1.json  the shipped example: LSTM(20) on 20x6, Dense(64, relu), Dense(1, sigmoid)
  toptag_lstm20.json    the same with no reuse factor (rnnc chooses: bench/auto.sh)
  toptag_lstm_m8.json   the same with reuse factors giving 8 multipliers per layer
  toptag_gru.json       GRU(5) on 20x6, Dense(5, relu), Dense(1, sigmoid)
  toptag_gru20.json     GRU(20) on 20x6, Dense(64, relu), Dense(1, sigmoid), no reuse factor
  toptag_gru20_r10.json the same at hls4ml's reuse factors 10 / 40 / 8 (docs/keras.md, rnnc vs hls4ml)
  big134k.json          LSTM(128) on 100x3, Dense(256), Dense(128), Dense(5): 134,149 parameters
  big134k_in.txt, toptag_lstm_in1000.txt  inputs
"""
import json
import math
import os
import random
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)

lstm = json.load(open(os.path.join(root, "examples", "toptag_lstm.json")))
json.dump(lstm, open(os.path.join(out, "toptag_lstm_rf1.json"), "w"))
# the same with no reuse factor anywhere: rnnc chooses them (--target, --reuse auto)
lstm20 = json.loads(json.dumps(lstm))
lstm20["name"] = "toptag_lstm20"
lstm20.pop("reuse_factor", None)
for layer in lstm20["layers"]:
    layer.pop("reuse_factor", None)
json.dump(lstm20, open(os.path.join(out, "toptag_lstm20.json"), "w"))


def mults(layer, fan_in):
    gates = {"lstm": 4, "gru": 3}.get(layer["type"], 1)
    if layer["type"] == "dense":
        return fan_in * layer["units"]
    return (fan_in + layer["units"]) * gates * layer["units"]


m8 = json.loads(json.dumps(lstm))
m8["name"] = "toptag_lstm_m8"
fan_in = m8["input"]["features"]
for layer in m8["layers"]:
    layer["reuse_factor"] = math.ceil(mults(layer, fan_in) / 8)
    fan_in = layer["units"]
json.dump(m8, open(os.path.join(out, "toptag_lstm_m8.json"), "w"))

gru = json.load(open(os.path.join(root, "examples", "toptag_gru.json")))
json.dump(gru, open(os.path.join(out, "toptag_gru.json"), "w"))

rng = random.Random(134)


def mat(r, c, lim):
    return [[round(rng.uniform(-lim, lim), 5) for _ in range(c)] for _ in range(r)]


def vec(n, lim):
    return [round(rng.uniform(-lim, lim), 5) for _ in range(n)]


# GRU(20) top-tagging: GRU(20) on 20x6, Dense(64, relu), Dense(1, sigmoid)
def gru_layer(units, fan_in):
    return {"type": "gru", "name": "gru1", "units": units, "reset_after": True,
            "kernel": mat(fan_in, 3 * units, 1 / math.sqrt(fan_in)),
            "recurrent_kernel": mat(units, 3 * units, 1 / math.sqrt(units)),
            "bias": [vec(3 * units, 0.1), vec(3 * units, 0.1)]}


gru20 = {"rnnc": 1, "name": "toptag_gru20", "input": {"timesteps": 20, "features": 6},
         "precision": "ap_fixed<16,6>", "layers": [
             gru_layer(20, 6),
             {"type": "dense", "name": "dense1", "units": 64, "activation": "relu",
              "kernel": mat(20, 64, 1 / math.sqrt(20)), "bias": vec(64, 0.1)},
             {"type": "dense", "name": "out", "units": 1, "activation": "sigmoid",
              "kernel": mat(64, 1, 1 / 8), "bias": vec(1, 0.1)}]}
json.dump(gru20, open(os.path.join(out, "toptag_gru20.json"), "w"))
# the same at the reuse factors of hls4ml's reported GRU(20) design (GRU 10, Dense(64) 40, Dense(1) 8)
gru20_r10 = json.loads(json.dumps(gru20))
gru20_r10["name"] = "toptag_gru20_r10"
for layer, rf in zip(gru20_r10["layers"], (10, 40, 8)):
    layer["reuse_factor"] = rf
json.dump(gru20_r10, open(os.path.join(out, "toptag_gru20_r10.json"), "w"))

big = {"rnnc": 1, "name": "big134k", "input": {"timesteps": 100, "features": 3},
       "precision": "ap_fixed<16,6>", "layers": [
           {"type": "lstm", "name": "lstm", "units": 128, "kernel": mat(3, 512, 0.5),
            "recurrent_kernel": mat(128, 512, 1 / math.sqrt(128)), "bias": vec(512, 0.1)},
           {"type": "dense", "name": "d256", "units": 256, "activation": "relu",
            "kernel": mat(128, 256, 1 / math.sqrt(128)), "bias": vec(256, 0.1)},
           {"type": "dense", "name": "d128", "units": 128, "activation": "relu",
            "kernel": mat(256, 128, 1 / math.sqrt(256)), "bias": vec(128, 0.1)},
           {"type": "dense", "name": "out", "units": 5, "activation": "softmax",
            "kernel": mat(128, 5, 1 / math.sqrt(128)), "bias": vec(5, 0.1)}]}
json.dump(big, open(os.path.join(out, "big134k.json"), "w"))
with open(os.path.join(out, "big134k_in.txt"), "w") as f:
    for _ in range(2):
        f.write(" ".join("%.4f" % rng.uniform(0, 1) for _ in range(300)) + "\n")
with open(os.path.join(out, "toptag_lstm_in1000.txt"), "w") as f:
    for _ in range(1000):
        f.write(" ".join("%.4f" % rng.uniform(0, 1) for _ in range(120)) + "\n")
