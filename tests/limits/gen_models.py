#!/usr/bin/env python3
"""gen_models.py OUTDIR: the large and hostile model.json files of tests/limits/run.sh.

Each is small to describe and large to process; they are generated rather than committed.
  dense175.json        one dense layer of 175 units on 4096 timesteps x 175 features, reuse
                       30625 (all its multiplications): a schedule of ~10^9 cycles
  dropouts.json        50,000 dropout layers (more layers than rnnc supports)
  dropouts_ok.json     the layer limit's worth of dropout layers (accepted, quickly)
  empty_rows.json      a kernel of a million empty rows
  flatten_big.json     4096 x 4096 input, flatten, activation: a 16M-element vector
  weights_big.json     an LSTM of 4096 units on 4096 features (more weights than supported)
"""
import os
import random
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(16)


def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text)


def row(n):
    return "[" + ",".join("%.4f" % rng.uniform(-0.1, 0.1) for _ in range(n)) + "]"


u = 175
write("dense175.json",
      '{"rnnc": 1, "name": "d175", "input": {"timesteps": 4096, "features": %d},\n'
      ' "layers": [{"type": "dense", "units": %d, "reuse_factor": %d,\n  "kernel": [%s],\n'
      '  "bias": %s}]}\n' % (u, u, u * u, ",\n".join(row(u) for _ in range(u)), row(u)))


def dropouts(n):
    return ('{"rnnc": 1, "input": {"timesteps": 2, "features": 1}, "layers": [' +
            ",".join('{"type": "dropout"}' for _ in range(n)) + "]}\n")


write("dropouts.json", dropouts(50000))
write("dropouts_ok.json", dropouts(int(sys.argv[2]) if len(sys.argv) > 2 else 1024))
write("empty_rows.json",
      '{"rnnc": 1, "input": {"timesteps": 1, "features": 1}, "layers": [{"type": "dense", "units": 4096,'
      ' "use_bias": false, "kernel": [' + ",".join(["[]"] * 1000000) + "]}]}\n")
write("flatten_max.json",
      '{"rnnc":1,"input":{"timesteps":4,"features":4096},"layers":[{"type":"flatten"},'
      '{"type":"activation","activation":"sigmoid","table_size":65536}]}\n')
write("flatten_big.json",
      '{"rnnc":1,"input":{"timesteps":4096,"features":4096},"layers":[{"type":"flatten"},'
      '{"type":"activation","activation":"relu"}]}\n')
write("weights_big.json",
      '{"rnnc": 1, "input": {"timesteps": 1, "features": 4096}, "layers": [{"type": "lstm", "units": 4096,'
      ' "kernel": [], "recurrent_kernel": []}]}\n')
