#!/usr/bin/env python3
"""operand_groups.py [RNNC]: the paper-size GRU(20) (bench/models.py's toptag_gru20) through
`rnnc --target xilinx --part xcu250` (Yosys synth_xilinx, xcup) at the two fused designs of
issue 11: reuse 16 / 40 / 8 (98 + 32 + 8 matrix multipliers + 60 elementwise = 198 DSP48) and
reuse 10 / 40 / 8 (156 + 32 + 8 + 60 = 256). Prints LUT, FF, MUXF7/8/9, DSP, BRAM18, latency
and II, and the cell's operand multiplexers (plan.c's operand groups) as the emitted Verilog
says. RNNC: another build (e.g. one without operand groups, for the before column). Two
syntheses of about 4 minutes each, one after the other. Last run: bench/results/operand_groups.txt."""
import json
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
rnnc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "rnnc")
work = os.path.join(root, "build", "operand_groups")
os.makedirs(work, exist_ok=True)
subprocess.run([sys.executable, os.path.join(here, "models.py"), work], check=True, stdout=subprocess.DEVNULL)
base = json.load(open(os.path.join(work, "toptag_gru20.json")))

print("design                        LUT     FF  MUXF7  MUXF8  MUXF9  DSP  BRAM18  latency  II   cell operand muxes")
for rf in (16, 10):
    m = json.loads(json.dumps(base))
    lay = m["layers"]
    lay[0]["reuse_factor"], lay[1]["reuse_factor"], lay[2]["reuse_factor"] = rf, 40, 8
    m["name"] = "gru20_r%d" % rf
    path = os.path.join(work, "gru20_r%d.json" % rf)
    json.dump(m, open(path, "w"))
    out = os.path.join(work, "gru20_r%d" % rf)
    subprocess.run(["nice", "-n", "10", rnnc, path, "--target", "xilinx", "--part", "xcu250", "-o", out],
                   check=True, stdout=subprocess.DEVNULL)
    impl = json.load(open(os.path.join(out, "report.json")))["implementation"]
    cu, cells = impl["core_utilization"], impl["core_cells"]
    cell_v = open(os.path.join(out, "rtl", "gru20_r%d_gru1_cell.v" % rf)).read()
    g = re.search(r"// (\d+) operand multiplexers for (\d+) multipliers", cell_v)
    muxes = "%s for %s multipliers" % (g.group(1), g.group(2)) if g else "one per multiplier"
    print("fused %2d / 40 / 8          %6d %6d %6d %6d %6d %4d %7d %8d %4d   %s" % (
        rf, cu["lut"], cu["ff"], cells.get("MUXF7", 0), cells.get("MUXF8", 0), cells.get("MUXF9", 0), cu["dsp"],
        cu["bram18"], impl["latency_cycles"], impl["ii_cycles"], muxes))
