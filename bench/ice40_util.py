#!/usr/bin/env python3
"""bench/ice40_util.py STAT.txt: where an iCE40 design's cells go, per engine and per part.

STAT.txt is Yosys's text `stat` of the core synthesized with `synth_ice40 -dsp -noflatten`
(bench/ice40_fit.sh writes it). Every module's counts include its submodules' (times their
instance count); printed: per engine (the top's children) LUT4, FF, CARRY, DSP and BRAM, and
inside each engine its own logic and every kind of submodule (rnnc_mac, rnnc_lstm_cell,
rnnc_rom, rnnc_activation, ...) with its instance count."""
import re
import sys
from collections import defaultdict

KINDS = ("SB_LUT4", "FF", "SB_CARRY", "SB_MAC16", "SB_RAM40_4K")


def parse(path):
    mods, cur = {}, None
    for line in open(path):
        if line.startswith("=== "):
            m = re.match(r"^=== (\S+) ===$", line.rstrip())
            cur = mods.setdefault(m.group(1), {}) if m else None  # "design hierarchy": done
            continue
        m = re.match(r"^\s+(\S+)\s+(\d+)\s*$", line)
        if cur is not None and m and not line.strip().startswith("Number"):
            cur[m.group(1)] = int(m.group(2))
    return mods


def short(name):
    """$paramod$hash\\rnnc_mac -> rnnc_mac; $paramod\\top_x\\P=.. -> top_x"""
    parts = name.split("\\")
    return parts[1] if name.startswith("$paramod\\") else parts[-1]


def own(cells):
    t = defaultdict(int)
    for k, v in cells.items():
        if k.startswith("SB_DFF"):
            t["FF"] += v
        elif k in KINDS:
            t[k] += v
    return t


def total(mods, name, memo):
    if name in memo:
        return memo[name]
    t = own(mods[name])
    for k, v in mods[name].items():
        if k in mods:
            for kk, vv in total(mods, k, memo).items():
                t[kk] += v * vv
    memo[name] = t
    return t


def row(label, n, t):
    return f"  {label:<44} {n:>3} " + " ".join(f"{t.get(k, 0):>6}" for k in KINDS)


def main():
    mods = parse(sys.argv[1])
    children = {c for m in mods.values() for c in m if c in mods}
    tops = [m for m in mods if m not in children]
    memo = {}
    print(f"  {'module (instances)':<44} {'n':>3} " + " ".join(f"{k.replace('SB_', ''):>6}" for k in KINDS))
    for top in tops:
        print(row(short(top) + " (core)", 1, total(mods, top, memo)))
        for eng, n in mods[top].items():
            if eng not in mods:
                continue
            print(row(short(eng), n, total(mods, eng, memo)))
            print(row("  own logic", 1, own(mods[eng])))
            parts = defaultdict(lambda: [0, defaultdict(int)])
            for sub, k in mods[eng].items():
                if sub in mods:
                    p = parts[short(sub)]
                    p[0] += k
                    for kk, vv in total(mods, sub, memo).items():
                        p[1][kk] += k * vv
            for name, (k, t) in sorted(parts.items()):
                print(row("  " + name, k, t))


if __name__ == "__main__":
    main()
