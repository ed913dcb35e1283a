#!/usr/bin/env python3
"""plot_sweep.py SWEEP.csv OUT.svg: latency (us, log) against LUTs (log) for every
(model, target) series of bench/sweep.sh, with hls4ml's published LSTM point (about 1.65 us
at 200 MHz). Standard library only: the SVG is written by hand."""
import csv
import math
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
W, H, L, R, T, B = 900, 480, 80, 300, 30, 60
pts = [(float(r["lut"]), float(r["latency_us"])) for r in rows if float(r["lut"]) > 0]
if not pts:
    sys.exit("no points")
xs = [p[0] for p in pts]
ys = [p[1] for p in pts] + [1.65]
x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1
y0, y1 = math.log10(min(ys)) - 0.1, math.log10(max(ys)) + 0.1


def px(x):
    return L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)


def py(y):
    return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)


colors = {"toptag_lstm_rf1/xilinx": "#1f77b4", "toptag_lstm_rf1/ice40": "#2ca02c",
          "toptag_gru20/xilinx": "#ff7f0e", "toptag_gru20/ice40": "#d62728"}
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
       f'<text x="{(L+W-R)/2}" y="{H-15}" text-anchor="middle">LUTs (log)</text>',
       f'<text x="20" y="{(T+H-B)/2}" transform="rotate(-90 20 {(T+H-B)/2})" text-anchor="middle">latency, us (log)</text>']
for e in range(int(math.floor(x0)), int(math.ceil(x1)) + 1):
    if x0 <= e <= x1:
        out.append(f'<text x="{px(10**e)}" y="{H-B+16}" text-anchor="middle">1e{e}</text>')
for e in range(int(math.floor(y0)), int(math.ceil(y1)) + 1):
    if y0 <= e <= y1:
        out.append(f'<text x="{L-8}" y="{py(10**e)+4}" text-anchor="end">1e{e}</text>')
series = {}
for r in rows:
    if float(r["lut"]) > 0:
        series.setdefault(f'{r["model"]}/{r["target"]}', []).append(r)
ly = T + 10
for name, rs in sorted(series.items()):
    c = colors.get(name, "gray")
    rs.sort(key=lambda r: float(r["lut"]))
    path = " ".join(f'{px(float(r["lut"])):.1f},{py(float(r["latency_us"])):.1f}' for r in rs)
    out.append(f'<polyline points="{path}" fill="none" stroke="{c}"/>')
    for r in rs:
        out.append(f'<circle cx="{px(float(r["lut"])):.1f}" cy="{py(float(r["latency_us"])):.1f}" r="4" fill="{c}">'
                   f'<title>RF {r["rf"]}: {r["lut"]} LUT, {r["dsp"]} DSP, {r["latency_us"]} us</title></circle>')
    model, target = name.split("/")
    label = {"toptag_lstm_rf1": "LSTM(20)", "toptag_gru20": "GRU(20)"}.get(model, model)
    where = "Xilinx 7 estimate, 200 MHz" if target == "xilinx" else "iCE40 UP5K, 48 MHz (does not fit)"
    out.append(f'<text x="{W-R+10}" y="{ly}" fill="{c}">{label}: {where}</text>')
    ly += 18
out.append(f'<line x1="{L}" y1="{py(1.65)}" x2="{W-R}" y2="{py(1.65)}" stroke="purple" stroke-dasharray="4"/>')
out.append(f'<text x="{W-R+10}" y="{ly}" fill="purple">hls4ml LSTM: ~1.65 us @ 200 MHz</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
