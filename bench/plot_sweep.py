#!/usr/bin/env python3
"""plot_sweep.py SWEEP.csv OUT.svg: latency (us, log) against LUTs and against DSPs (log), two
panels, for every (model, target) series of bench/sweep.sh, with hls4ml's published LSTM point
(about 1.65 us at 200 MHz). A filled marker fits the device, an open one does not. Standard
library only: the SVG is written by hand."""
import csv
import math
import sys

rows = [r for r in csv.DictReader(open(sys.argv[1])) if float(r["lut"] or 0) > 0]
if not rows:
    sys.exit("no points")
PW, H, L, GAP, LEG, T, B = 420, 480, 70, 60, 300, 30, 60
W = L + 2 * PW + GAP + LEG
HLS4ML_US = 1.65
colors = {"toptag_lstm_rf1/xilinx": "#1f77b4", "toptag_lstm_rf1/ice40": "#2ca02c",
          "toptag_gru20/xilinx": "#ff7f0e", "toptag_gru20/ice40": "#d62728"}
labels = {"toptag_lstm_rf1": "LSTM(20)", "toptag_gru20": "GRU(20)"}
targets = {"xilinx": "Xilinx 7 estimate, 200 MHz", "ice40": "iCE40 UP5K, 48 MHz"}

series = {}
for r in rows:
    series.setdefault(f'{r["model"]}/{r["target"]}', []).append(r)
ys = [float(r["latency_us"]) for r in rows] + [HLS4ML_US]
y0, y1 = math.log10(min(ys)) - 0.1, math.log10(max(ys)) + 0.1


def py(y):
    return H - B - (math.log10(y) - y0) / (y1 - y0) * (H - T - B)


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="20" y="{(T+H-B)/2}" transform="rotate(-90 20 {(T+H-B)/2})" text-anchor="middle">latency, us (log)</text>']


def panel(left, key, title):
    xs = [float(r[key]) for r in rows if float(r[key]) > 0]
    x0, x1 = math.log10(min(xs)) - 0.1, math.log10(max(xs)) + 0.1

    def px(x):
        return left + (math.log10(x) - x0) / (x1 - x0) * PW

    out.append(f'<line x1="{left}" y1="{H-B}" x2="{left+PW}" y2="{H-B}" stroke="black"/>')
    out.append(f'<line x1="{left}" y1="{T}" x2="{left}" y2="{H-B}" stroke="black"/>')
    out.append(f'<text x="{left+PW/2}" y="{H-15}" text-anchor="middle">{title} (log)</text>')
    for e in range(int(math.floor(x0)), int(math.ceil(x1)) + 1):
        if x0 <= e <= x1:
            out.append(f'<text x="{px(10**e)}" y="{H-B+16}" text-anchor="middle">1e{e}</text>')
    for e in range(int(math.floor(y0)), int(math.ceil(y1)) + 1):
        if y0 <= e <= y1:
            out.append(f'<text x="{left-8}" y="{py(10**e)+4}" text-anchor="end">1e{e}</text>')
    for name, rs in sorted(series.items()):
        c = colors.get(name, "gray")
        rs = sorted((r for r in rs if float(r[key]) > 0), key=lambda r: float(r[key]))
        path = " ".join(f'{px(float(r[key])):.1f},{py(float(r["latency_us"])):.1f}' for r in rs)
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}"/>')
        for r in rs:
            fill = c if r["fits"] == "True" else "white"
            out.append(f'<circle cx="{px(float(r[key])):.1f}" cy="{py(float(r["latency_us"])):.1f}" r="4" fill="{fill}" '
                       f'stroke="{c}"><title>RF {r["rf"]}: {r["lut"]} LUT, {r["dsp"]} DSP, {r["latency_us"]} us'
                       f'{"" if r["fits"] == "True" else " (does not fit)"}</title></circle>')
    out.append(f'<line x1="{left}" y1="{py(HLS4ML_US)}" x2="{left+PW}" y2="{py(HLS4ML_US)}" stroke="purple" '
               f'stroke-dasharray="4"/>')


panel(L, "lut", "LUTs")
panel(L + PW + GAP, "dsp", "DSPs")
lx, ly = L + 2 * PW + GAP + 20, T + 10
for name in sorted(series):
    model, target = name.split("/")
    out.append(f'<text x="{lx}" y="{ly}" fill="{colors.get(name, "gray")}">'
               f'{labels.get(model, model)}: {targets.get(target, target)}</text>')
    ly += 18
out.append(f'<text x="{lx}" y="{ly}" fill="purple">hls4ml LSTM: ~{HLS4ML_US} us @ 200 MHz</text>')
out.append(f'<text x="{lx}" y="{ly + 18}">filled: fits the device; open: does not</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
