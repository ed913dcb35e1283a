#!/usr/bin/env python3
"""calibrate.py FAMILY DESIGNS.txt: fit the resource model's LUT and FF costs per feature.

Each line of DESIGNS.txt is a design directory D emitted by rnnc (its report.json "resources" has
the features and the predicted DSP and block RAM) with D.stat.json, Yosys's stat -json of its
core synthesized for FAMILY (bench/calibrate.sh). The per-feature
costs are fitted by non-negative least squares on the relative error (every design weighs the
same), refined to make the largest relative error small, printed as the rows of compiler/resources.c's cost table, and the table of predicted
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


def minimax_nnls(a, b, focus=None, keep=0.3):
    """Non-negative x with the largest |a x - b| over the focus rows small: NNLS, then
    iteratively reweighted NNLS that weighs the worst focus rows up (damped; the best iterate is
    kept). The other rows (per-engine ones) keep weight `keep`: they tie each feature's cost to
    the engines that have it, so that a cost is not borrowed from another engine's."""
    focus = np.ones(len(b), dtype=bool) if focus is None else focus
    base = np.where(focus, 1.0, keep)
    x = nnls(a * np.sqrt(base)[:, None], b * np.sqrt(base))
    best, best_err = x, np.abs(a @ x - b)[focus].max()
    v = np.ones(len(b))
    for _ in range(200):
        r = np.abs(a @ x - b) * focus
        v = 0.7 * v + 0.3 * (r / max(r.max(), 1e-12)) ** 2
        v /= v.max()
        u = np.where(focus, v, keep)
        x = nnls(a * np.sqrt(u)[:, None], b * np.sqrt(u))
        err = np.abs(a @ x - b)[focus].max()
        if err < best_err:
            best, best_err = x, err
    return best


def lawson_nnls(a, b, iters=2000):
    """Non-negative x with the largest |a x - b| small by Lawson's weights (each row's weight
    times its residual, renormalized: converges toward the minimax fit); the best iterate."""
    x = nnls(a, b)
    best, best_err = x, np.abs(a @ x - b).max()
    v = np.full(len(b), 1.0 / len(b))
    for _ in range(iters):
        v = np.maximum(v * (np.abs(a @ x - b) + 1e-9), 0)
        v = np.maximum(v / v.sum(), 1e-8)
        x = nnls(a * np.sqrt(v)[:, None], b * np.sqrt(v))
        err = np.abs(a @ x - b).max()
        if err < best_err:
            best, best_err = x, err
    return best


def engine_rows(engines, names):
    """Per-engine rows (features, measured LUT and FF) from the attributed netlists."""
    rows = []
    for name, top, eng, meas in engines:
        for e in eng if meas and meas.get("attribution") == 3 else ():
            inst = "u_" + e["module"][len(top) + 1:] if e["module"].startswith(top + "_") else e["module"]
            if "features" in e and inst in meas:
                rows.append(([e["features"][k] for k in names], meas[inst]))
    return rows


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


# Yosys cell names per family: LUT, FF, DSP, block RAM (prefixes)
CELLS = {
    "ice40": (("SB_LUT4",), ("SB_DFF",), ("SB_MAC16",), ("SB_RAM40_4K",)),
    "ecp5": (("LUT4",), ("TRELLIS_FF",), ("MULT18X18D",), ("DP16KD",)),
    "xilinx": (("LUT",), ("FD",), ("DSP48",), ("RAMB18",)),
}
CELLS["xcup"] = CELLS["xilinx"]  # UltraScale+: DSP48E2, RAMB18E2
# Xilinx: LUTs of the LUT RAMs and shift registers, counted as LUTs (compiler/flow.c's
# xilinx_fits, as Vivado's "CLB LUTs"); a RAMB36 is two RAMB18 (the model's unit)
XILINX_LUTRAM = {"RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM64M8": 8, "RAM32X1D": 2, "RAM64X1D": 2,
                 "RAM128X1D": 4, "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4,
                 "SRL16E": 1, "SRLC32E": 1, "SRLC16E": 1}


# ROM and table bits kept in logic are LUTs (their read register is rom_word_bits), LUT RAMs are LUTs,
# an adder tree's adders are LUTs (its registers are tree_reg_bits)
NO_COST = {"lut": (), "ff": ("rom_logic_bits", "lutram_luts", "table_logic_bits", "tree_add_bits")}
# the per-engine rows' relative error is against at least this many cells
ENGINE_FLOOR = 200.0
# a LUT RAM's LUTs are counted as LUTs as they are
FIXED = {"lut": {"lutram_luts": 1.0}, "ff": {}}


def measured(stat, family):
    """Cell counts of Yosys's stat -json (flat design: its top module), as the flow counts them."""
    design = stat.get("design") or next(iter(stat["modules"].values()))
    cells = design["num_cells_by_type"]
    count = lambda prefixes: sum(n for c, n in cells.items() if c.startswith(prefixes))
    lut, ff, dsp, bram = (count(p) for p in CELLS[family])
    if family in ("xilinx", "xcup"):
        lut += sum(k * cells.get(c, 0) for c, k in XILINX_LUTRAM.items())
        bram += 2 * count(("RAMB36",))
    if family == "ecp5":  # as compiler/flow.c counts them: a carry cell (CCU2C) is two LUT4s, a LUT RAM
        lut += 2 * cells.get("CCU2C", 0) + 4 * cells.get("TRELLIS_DPR16X4", 0)  # (16 x 4) four
    return {"lut": lut, "ff": ff, "dsp": dsp, "bram": bram}


def attribute(netlist_path, top, family):
    """Flip-flops and LUTs of a flat netlist (Yosys write_json) per engine instance (u_NAME):
    a flip-flop by the name of the net on its output, a LUT by its output's name, else by the
    engines of the cells it feeds or reads (a few rounds); "top" for the rest."""
    mod = json.load(open(netlist_path))["modules"][top]
    owner = {}
    # a net between two engines carries the producer's name and the consumer's input port's
    # (u_X.s_axis_tdata, u_X.s_vec_data): the producer owns it
    into = lambda name: name.split(".")[1].startswith(("s_axis_", "s_vec_", "m_axis_tready"))
    for name, net in mod["netnames"].items():
        if net.get("hide_name") or "." not in name or not name.startswith("u_") or into(name):
            continue
        for b in net["bits"]:
            if isinstance(b, int):
                owner.setdefault(b, name.split(".")[0])
    lut_p, ff_p = CELLS[family][0], CELLS[family][1]
    cells = [(c["type"], c["connections"], c.get("port_directions", {})) for c in mod["cells"].values()]
    kind = lambda t: "lut" if t.startswith(lut_p) else "ff" if t.startswith(ff_p) else None
    outs = lambda conn, dirs: [b for p, bs in conn.items() if dirs.get(p) == "output" for b in bs if isinstance(b, int)]
    ins = lambda conn, dirs: [b for p, bs in conn.items() if dirs.get(p) == "input" for b in bs if isinstance(b, int)]
    where = [None] * len(cells)
    for i, (t, conn, dirs) in enumerate(cells):
        # a flip-flop belongs to the engine that computes its D (its Q's names can be the
        # reader's: a cell's output register is named by the dense layer that reads it)
        d = [owner[b] for b in conn.get("D", []) if isinstance(b, int) and b in owner] if kind(t) == "ff" else []
        named = d or [owner[b] for b in outs(conn, dirs) if b in owner]
        if named:
            where[i] = named[0]
    for _ in range(6):  # unnamed outputs: the owner of a net read, or of a net the output feeds
        for i, (t, conn, dirs) in enumerate(cells):
            if where[i] is None:
                near = [owner[b] for b in ins(conn, dirs) if b in owner]
                if near:
                    where[i] = near[0]
                    for b in outs(conn, dirs):
                        owner.setdefault(b, near[0])
        for i, (t, conn, dirs) in enumerate(cells):
            if where[i] is not None:
                for b in outs(conn, dirs):
                    owner.setdefault(b, where[i])
    # the public name of each bit (for the flip-flops' registers)
    bitname = {}
    for name, net in mod["netnames"].items():
        if not net.get("hide_name"):
            for b in net["bits"]:
                if isinstance(b, int) and (b not in bitname or (name.startswith("u_") and not into(name),
                                                                len(name)) < (bitname[b].startswith("u_") and not
                                                                              into(bitname[b]), len(bitname[b]))):
                    bitname[b] = name
    count = {}
    for i, (t, conn, dirs) in enumerate(cells):
        k = kind(t)
        if k:
            e = count.setdefault(where[i] or "top", {"lut": 0, "ff": 0, "regs": {}})
            e[k] += 1
            if k == "ff":
                q = [bitname.get(b, "?") for b in outs(conn, dirs)]
                reg = q[0] if q else "?"
                e["regs"][reg] = e["regs"].get(reg, 0) + 1
    for e in count.values():  # the registers of most flip-flops
        e["regs"] = dict(sorted(e["regs"].items(), key=lambda r: -r[1])[:40])
    count["attribution"] = 3  # a flip-flop by its D, producers own the nets between engines
    return count


def engine_table(engines, names, coef):
    """Per engine: LUT and FF predicted (its features and the rows) against the cells Yosys's
    netlist attributes to it (bench/calibrate.sh's --attribute; "top": the glue between)."""
    out = ["", "Per engine (flip-flops by the net they drive, LUTs by their output or neighbours):",
           f"{'design.engine':44s} {'LUT p/m':>13s} {'err':>7s} {'FF p/m':>13s} {'err':>7s}"]
    left = [name for name, top, eng, meas in engines if not meas or meas.get("attribution") != 3]
    if left:
        out.insert(1, "(not listed, synthesized before the attribution by D: " + ", ".join(left) + ")")
    for name, top, eng, meas in engines:
        if not meas or meas.get("attribution") != 3:
            continue
        for e in eng:
            inst = "u_" + e["module"][len(top) + 1:] if e["module"].startswith(top + "_") else e["module"]
            m = meas.get(inst, {"lut": 0, "ff": 0})
            if "features" not in e:
                continue
            x = np.array([e["features"][k] for k in names], dtype=float)
            p = {k: float(x @ coef[k]) for k in ("lut", "ff")}
            err = {k: 100 * (p[k] - m[k]) / max(m[k], 1) for k in p}
            out.append(f"{name + '.' + inst[2:]:44s} {p['lut']:6.0f}/{m['lut']:<6d} {err['lut']:+6.1f}% "
                       f"{p['ff']:6.0f}/{m['ff']:<6d} {err['ff']:+6.1f}%")
        if "top" in meas:
            out.append(f"{name + '.(top)':44s} {0:6d}/{meas['top']['lut']:<6d} {'':7s} {0:6d}/{meas['top']['ff']:<6d}")
    return out


def write_rows(path, family, coef):
    """Replace FAMILY's .lut and .ff rows in compiler/resources.c (the entry's first of each)."""
    text = open(path).read()
    start = text.index(f'.family = "{family}"')
    end = text.find(".family = ", start + 1)
    end = len(text) if end < 0 else end
    entry = text[start:end]
    for what in ("lut", "ff"):
        i = entry.index(f".{what} = {{") + len(f".{what} = {{")
        j = entry.index("}", i)
        entry = entry[:i] + ", ".join(f"{c:.4g}" for c in coef[what]) + entry[j:]
    open(path, "w").write(text[:start] + entry + text[end:])


def read_rows(path, family):
    """FAMILY's .lut and .ff rows in compiler/resources.c (the entry's first of each)."""
    text = open(path).read()
    start = text.index(f'.family = "{family}"')
    end = text.find(".family = ", start + 1)
    entry = text[start:len(text) if end < 0 else end]
    rows = {}
    for what in ("lut", "ff"):
        i = entry.index(f".{what} = {{") + len(f".{what} = {{")
        rows[what] = np.array([float(c) for c in entry[i:entry.index("}", i)].split(",")])
    return rows


def worst_errors(rows, coef):
    """The largest relative LUT and FF errors of the rows coef over the designs."""
    worst = {"lut": 0.0, "ff": 0.0}
    for _, feat, _, meas, extra in rows:
        x = np.array(list(feat.values()), dtype=float)
        for k in worst:
            worst[k] = max(worst[k], abs(float(x @ coef[k]) + extra[k] - meas[k]) / max(meas[k], 1))
    return worst


def extras(feat, pred, current):
    """The LUT and FF resources.c adds outside the fitted rows (mirrored tables, rnnc_lut_mul,
    the shared MACs' operand selection and share stage): the design's prediction less its
    features times the rows it was predicted with. The fit takes them off the measurement, and
    the table adds them to the rows' part, so that "predicted" is what the search counts."""
    x = np.array(list(feat.values()), dtype=float)
    return {k: float(pred[k]) - float(x @ current[k]) for k in ("lut", "ff")}


def main():
    if sys.argv[1] == "--attribute":
        import gzip
        import shutil
        keep = os.path.dirname(os.path.abspath(sys.argv[2])) + ".netlist.json.gz"
        with open(sys.argv[2], "rb") as src, gzip.open(keep, "wb") as dst:
            shutil.copyfileobj(src, dst)  # kept (D.netlist.json.gz) for a later re-attribution
        json.dump(attribute(sys.argv[2], sys.argv[3], sys.argv[4]), sys.stdout, indent=1, sort_keys=True)
        print()
        return
    family, listing = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    current = read_rows(os.path.join(here, "..", "compiler", "resources.c"), family)
    rows, engines = [], []
    for d in open(listing).read().split():
        stat, emit = load(d + ".stat.json"), load(os.path.join(d, "report.json"))
        if not stat or not emit or "resources" not in emit:
            print(f"skip {d}: no synthesis or no features", file=sys.stderr)
            continue
        res = emit["resources"]
        pred = res["predicted"]
        rows.append((os.path.basename(d), res["features"], pred, measured(stat, family),
                     extras(res["features"], pred, current)))
        engines.append((os.path.basename(d), emit.get("top", ""), res.get("engines", []), load(d + ".engines.json")))
    if not rows:
        sys.exit("no designs")
    names = list(rows[0][1].keys())
    a = np.array([[r[1][k] for k in names] for r in rows], dtype=float)
    out = []
    coef = {}
    # per-engine rows in the fit: CALIB_ENGINES=1 (off by default: the attribution of the
    # logic between engines is approximate, and the designs' totals fit better without them)
    erows = engine_rows(engines, names) if os.environ.get("CALIB_ENGINES") == "1" else []
    ea = np.array([r[0] for r in erows], dtype=float).reshape(len(erows), len(names))
    for what in ("lut", "ff"):
        b = np.array([r[3][what] - r[4][what] for r in rows], dtype=float)
        eb = np.array([r[1][what] for r in erows], dtype=float)
        # relative error; an engine's against at least ENGINE_FLOOR cells (a small engine's
        # few cells would otherwise weigh as much as a whole design)
        w = np.concatenate([1.0 / np.maximum(b, 1.0), 1.0 / np.maximum(eb, ENGINE_FLOOR)])
        aa, bb = np.vstack([a, ea]), np.concatenate([b, eb])
        focus = np.arange(len(bb)) < len(b)
        # features that cannot cost this resource are left out of its fit (cost 0), features of
        # a known cost (FIXED) too, their part taken off the measurement first
        fixed = np.array([FIXED[what].get(k, 0.0) for k in names])
        use = np.array([k not in NO_COST[what] and k not in FIXED[what] for k in names])
        coef[what] = fixed.copy()
        am, bm = (aa * w[:, None])[:, use], (bb - aa @ fixed) * w
        fits = [minimax_nnls(am, bm, focus)]
        if not erows:  # the designs alone: Lawson's minimax too, the better of the two
            fits.append(lawson_nnls(am, bm))
        coef[what][use] = min(fits, key=lambda x: np.abs(am @ x - bm).max())
    import time
    stamp = time.strftime('%Y-%m-%d %H:%M', time.gmtime())
    if os.environ.get("CALIB_KEEP"):
        # KEEP=1: the rows resources.c holds, evaluated on these syntheses (the refit's errors
        # beside them), for rows kept because a refit would choose designs that miss the clock
        refit = worst_errors(rows, coef)
        coef = read_rows(os.environ["CALIB_KEEP"], family)
        out.append(f"bench/calibrate.sh {family}, {stamp} UTC (KEEP=1: the rows of compiler/resources.c evaluated "
                   f"on the {len(rows)} designs below, not refitted; a refit: worst LUT error "
                   f"{100 * refit['lut']:.1f}%, FF {100 * refit['ff']:.1f}%)")
    else:
        out.append(f"bench/calibrate.sh {family}, {stamp} UTC "
                   f"(rows fitted over the {len(rows)} designs below; CACHED=1 refits kept syntheses)")
    out.append(f"cost table for {family} (compiler/resources.c), features {', '.join(names)}:")
    for what in ("lut", "ff"):
        out.append(f"     .{what} = {{" + ", ".join(f"{c:.4g}" for c in coef[what]) + "},")
    out.append("")
    out.append(f"{'design':28s} {'DSP p/m':>9s} {'BRAM p/m':>9s} {'LUT p/m':>13s} {'err':>6s} {'FF p/m':>13s} {'err':>6s}")
    worst = {"lut": 0.0, "ff": 0.0}
    exact = {"dsp": 0, "bram": 0}
    for name, feat, pred, meas, extra in rows:
        x = np.array([feat[k] for k in names], dtype=float)
        p = {k: float(x @ coef[k]) + extra[k] for k in ("lut", "ff")}
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
    out.append("")
    out.append(f"Designs: bench/calibrate_sweep.txt (bench/calibrate.sh {family}), each core synthesized alone by "
               f"{os.environ.get('CALIB_SYNTH', 'Yosys')}. Predicted: DSP and block RAM as resources.c "
               "counts them, LUT and FF with the rows above plus what resources.c adds outside them "
               "(mirrored tables, rnnc_lut_mul, the shared MACs' selection and stage): as the search counts them.")
    if family in ("xilinx", "xcup"):
        out.append("Xilinx counts as the flow's (compiler/flow.c): LUT = LUT1..LUT6 plus the LUTs of LUT RAMs and "
                   "shift registers (MUXF7/MUXF8 not counted), FF = FD*, DSP = DSP48E1 or DSP48E2, BRAM in RAMB18 "
                   "(a RAMB36 is two).")
    out.extend(engine_table(engines, names, coef))
    if os.environ.get("CALIB_WRITE") and not os.environ.get("CALIB_KEEP"):
        write_rows(os.environ["CALIB_WRITE"], family, coef)
        print(f"calibrate: {family}'s rows written to {os.environ['CALIB_WRITE']}", file=sys.stderr)
    text = "\n".join(out)
    print(text)
    os.makedirs(os.path.join(here, "results"), exist_ok=True)
    with open(os.path.join(here, "results", f"resources_{family}.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
