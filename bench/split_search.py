#!/usr/bin/env python3
"""split_search.py [--synth] [--budget N]: the paper-size GRU(20) (GRU(20) on 20x6, Dense(64, relu),
Dense(1, sigmoid); bench/models.py) under a multiplier budget (default 198, hls4ml's DSP count
for this model, every multiplication included: matrix and elementwise).

Searches reuse factors with `rnnc --dump schedule`-level predictions (report.json of a plain
emit; no simulation): the split form (recurrent_reuse_factor given: x*W on the proj at Rx, h*U on
the cell at Rh) and the fused form / rnnc's own choice (reuse_factor only), each with the dense
layers' factors. Prints the fastest designs of each form within the budget with latency, II,
multipliers, and the multiplier bound of their matrix multipliers (per layer: timesteps x
ceil(multiplications per step / the layer's matrix multipliers); the issue's 248 at 10/40/8)
and the ratio. With --synth, the best split and fused designs go through
`rnnc --target xilinx` (Yosys synth_xilinx, xcup): LUT, FF, DSP, BRAM. The numbers in the
README / final reports come from this script."""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
rnnc = os.path.join(root, "build", "rnnc")
work = os.path.join(root, "build", "split_search")
os.makedirs(work, exist_ok=True)
subprocess.run([sys.executable, os.path.join(here, "models.py"), work], check=True)
base = json.load(open(os.path.join(work, "toptag_gru20.json")))
budget = int(sys.argv[sys.argv.index("--budget") + 1]) if "--budget" in sys.argv else 198
T, IN, U, G = 20, 6, 20, 3


def model(rx, rh, rd, ro):
    m = json.loads(json.dumps(base))
    lay = m["layers"]
    lay[0]["reuse_factor"] = rx
    if rh:
        lay[0]["recurrent_reuse_factor"] = rh
    lay[1]["reuse_factor"], lay[2]["reuse_factor"] = rd, ro
    m["name"] = "gru20_%d_%d_%d_%d" % (rx, rh, rd, ro)
    return m


def run(rx, rh, rd, ro):
    m = model(rx, rh, rd, ro)
    path = os.path.join(work, "s.json")
    json.dump(m, open(path, "w"))
    out = os.path.join(work, "s_out")
    subprocess.run([rnnc, path, "-o", out], check=True, capture_output=True)
    r = json.load(open(os.path.join(out, "report.json")))
    t = r["totals"]
    per_layer = {}
    for e in r["engines"]:
        per_layer[e["layer"]] = per_layer.get(e["layer"], 0) + e["multipliers"]
    cell = [e for e in r["engines"] if e["kind"] == "cell"][0]
    bound = T * -(-(IN + U) * G * U // per_layer["gru1"]) + -(-20 * 64 // per_layer["dense1"]) + \
        -(-64 // per_layer["out"])
    return {"rx": rx, "rh": rh, "rd": rd, "ro": ro, "lat": t["latency_cycles"], "ii": t["ii_cycles"],
            "mult": t["multipliers"], "elem": t["elementwise_multipliers"],
            "total": t["multipliers"] + t["elementwise_multipliers"], "bound": bound, "form": cell["form"],
            "x_rf": cell["input_reuse_factor"], "h_rf": cell["recurrent_reuse_factor"]}


def show(d):
    print("  %-5s x_rf %3d h_rf %3d dense %2d/%d: latency %4d cycles, II %4d, multipliers %3d + %2d elementwise"
          " = %3d; matrix-multiplier bound %3d, ratio %.2f" % (d["form"], d["x_rf"], d["h_rf"], d["rd"], d["ro"],
                                                            d["lat"], d["ii"], d["mult"], d["elem"], d["total"],
                                                            d["bound"], d["lat"] / d["bound"]))


def best(cands):
    ok = sorted((d for d in cands if d["total"] <= budget), key=lambda d: (d["lat"], d["ii"], d["total"]))
    return ok


print("== today's reference, reuse 10 / 40 / 8 (rnnc's own choice of form)")
show(run(10, 0, 40, 8))
print("== split form (recurrent_reuse_factor), at most %d multipliers in total" % budget)
split = [run(rx, rh, rd, ro) for rh in range(4, 21) for rx in (4, 6, 8, 10, 12, 15, 20, 30)
         for rd in (20, 32, 40) for ro in (4, 8)]
bs = best(split)
for d in bs[:3]:
    show(d)
print("== reuse_factor only (fused, or rnnc's automatic split), at most %d multipliers in total" % budget)
fused = [run(rf, 0, rd, ro) for rf in range(5, 31) for rd in (20, 32, 40) for ro in (4, 8)]
bf = best(fused)
for d in bf[:3]:
    show(d)

if "--synth" in sys.argv:
    for name, d in (("split", bs[0] if bs else None), ("fused", bf[0] if bf else None)):
        if not d:
            continue
        m = model(d["rx"], d["rh"] if name == "split" else 0, d["rd"], d["ro"])
        path = os.path.join(work, "synth_%s.json" % name)
        json.dump(m, open(path, "w"))
        out = os.path.join(work, "synth_%s" % name)
        subprocess.run([rnnc, path, "--target", "xilinx", "--family", "xcup", "-o", out], check=True,
                       stdout=subprocess.DEVNULL)
        cu = json.load(open(os.path.join(out, "report.json")))["implementation"]["core_utilization"]
        print("== %s, Yosys synth_xilinx (xcup): %d LUT, %d FF, %d DSP, %d BRAM" % (name, cu["lut"], cu["ff"],
                                                                                  cu["dsp"], cu["bram"]))
        show(d)
