#!/usr/bin/env python3
"""calibrate.py FAMILY DESIGNS.txt: fit the resource model's LUT and FF costs per feature.

Each line of DESIGNS.txt is a design directory D emitted by rnnc (its report.json "resources" has
the features and the predicted DSP and block RAM) with D.stat.json, Yosys's stat -json of its
core synthesized for FAMILY (bench/calibrate.sh). The per-feature
costs are fitted by non-negative least squares on the relative error (every design weighs the
same), printed as the rows of compiler/resources.c's cost table, and the table of predicted
against measured is printed (and written to bench/results/resources_FAMILY.txt).
Standard library and numpy only."""
import json
import os
import sys

import numpy as np


def nnls(a, b):
    """min |a x - b| with x >= 0 (Lawson-Hanson active set; columns scaled to unit norm)."""
    scale = np.linalg.norm(a, axis=0)
    scale[scale == 0] = 1
    a = a / scale
    n = a.shape[1]
    x, passive = np.zeros(n), np.zeros(n, dtype=bool)
    for _ in range(10 * n):
        w = a.T @ (b - a @ x)
        if passive.all() or w[~passive].max() <= 1e-10:
            break
        passive[np.argmax(np.where(passive, -np.inf, w))] = True
        while True:
            z = np.zeros(n)
            z[passive] = np.linalg.lstsq(a[:, passive], b, rcond=None)[0]
            if (z[passive] > 0).all():
                x = z
                break
            neg = passive & (z <= 0)
            alpha = np.min(x[neg] / (x[neg] - z[neg]))
            x = x + alpha * (z - x)
            passive &= x > 1e-12
    return x / scale


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


# Yosys cell names per family: LUT, FF, DSP, block RAM (prefixes)
CELLS = {
    "ice40": (("SB_LUT4",), ("SB_DFF",), ("SB_MAC16",), ("SB_RAM40_4K",)),
    "ecp5": (("LUT4",), ("TRELLIS_FF",), ("MULT18X18D",), ("DP16KD",)),
    "xilinx": (("LUT",), ("FD",), ("DSP48",), ("RAMB",)),
}


def measured(stat, family):
    """Cell counts of Yosys's stat -json (flat design: its top module)."""
    design = stat.get("design") or next(iter(stat["modules"].values()))
    cells = design["num_cells_by_type"]
    count = lambda prefixes: sum(n for c, n in cells.items() if c.startswith(prefixes))
    lut, ff, dsp, bram = (count(p) for p in CELLS[family])
    return {"lut": lut, "ff": ff, "dsp": dsp, "bram": bram}


def main():
    family, listing = sys.argv[1], sys.argv[2]
    rows = []
    for d in open(listing).read().split():
        stat, emit = load(d + ".stat.json"), load(os.path.join(d, "report.json"))
        if not stat or not emit or "resources" not in emit:
            print(f"skip {d}: no synthesis or no features", file=sys.stderr)
            continue
        res = emit["resources"]
        rows.append((os.path.basename(d), res["features"], res["predicted"], measured(stat, family)))
    if not rows:
        sys.exit("no designs")
    names = list(rows[0][1].keys())
    a = np.array([[r[1][k] for k in names] for r in rows], dtype=float)
    out = []
    coef = {}
    for what in ("lut", "ff"):
        b = np.array([r[3][what] for r in rows], dtype=float)
        w = 1.0 / np.maximum(b, 1.0)  # relative error
        coef[what] = nnls(a * w[:, None], b * w)
    out.append(f"cost table for {family} (compiler/resources.c), features {', '.join(names)}:")
    for what in ("lut", "ff"):
        out.append(f"     .{what} = {{" + ", ".join(f"{c:.4g}" for c in coef[what]) + "},")
    out.append("")
    out.append(f"{'design':28s} {'DSP p/m':>9s} {'BRAM p/m':>9s} {'LUT p/m':>13s} {'err':>6s} {'FF p/m':>13s} {'err':>6s}")
    worst = {"lut": 0.0, "ff": 0.0}
    exact = {"dsp": 0, "bram": 0}
    for name, feat, pred, meas in rows:
        x = np.array([feat[k] for k in names], dtype=float)
        p = {"lut": float(x @ coef["lut"]), "ff": float(x @ coef["ff"])}
        err = {k: (p[k] - meas[k]) / max(meas[k], 1) for k in ("lut", "ff")}
        for k in err:
            worst[k] = max(worst[k], abs(err[k]))
        for k in exact:
            exact[k] += pred[k] == meas[k]
        out.append(f"{name:28s} {pred['dsp']:4d}/{meas['dsp']:<4d} {pred['bram']:4d}/{meas['bram']:<4d} "
                   f"{p['lut']:6.0f}/{meas['lut']:<6d} {100 * err['lut']:+5.1f}% {p['ff']:6.0f}/{meas['ff']:<6d} "
                   f"{100 * err['ff']:+5.1f}%")
    out.append("")
    out.append(f"{len(rows)} designs: DSP exact {exact['dsp']}/{len(rows)}, BRAM exact {exact['bram']}/{len(rows)}, "
               f"worst LUT error {100 * worst['lut']:.1f}%, worst FF error {100 * worst['ff']:.1f}%")
    text = "\n".join(out)
    print(text)
    here = os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(here, "results"), exist_ok=True)
    with open(os.path.join(here, "results", f"resources_{family}.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
