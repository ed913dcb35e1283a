#!/usr/bin/env python3
"""bench/share_stage_probe.py DIR: a what-if for the shared multipliers' timing on iCE40.

DIR is a flow directory (`rnnc MODEL --target ice40 -o DIR`) of a design whose cell shares its
MACs with the dense layers after it (share_multipliers). The probe edits DIR's RTL in place:
  - the top registers every sharer's exported operand, weight, enable and first flag before the
    AND-OR that feeds the shared MAC's input register (one more pipeline stage); and
  - rnnc_mac_token registers `ok` (its next value computed a cycle early: the same value every
    cycle, so this part alone changes no timing).
The edited design computes wrong results: the sharers read the MAC's sum one cycle early (the
compiler would have to delay their captures and predict the cycle, which it does not). It is
only for place and route: `make pnr SEED=N` in DIR (after `rm -rf DIR/synth/*.json DIR/pnr/*`)
shows the Fmax that such a stage would give. Results: bench/results/share_stage_probe.txt.
Standard library only."""
import re
import sys


def register_sharers(top_path):
    s = open(top_path).read()
    s, n = re.subn(r"    wire \[(\d+):0\] (sh\d+_\d+_[ab]\d+) = (e\d+_mac_[ab]\[\d+:\d+\]);",
                   r"    reg [\1:0] \2; always @(posedge clk) \2 <= \3;", s)
    if not n:
        sys.exit(f"{top_path}: no shared MAC (no sh*_a/b slices)")
    decl = ""
    for m in re.finditer(r"wire \[(\d+):0\] (e\d+)_mac_en, (e\d+)_mac_first;", s):
        w, e = m.group(1), m.group(2)
        decl += (f"    reg [{w}:0] {e}_mac_en_r; reg [{w}:0] {e}_mac_first_r;\n"
                 f"    always @(posedge clk) begin {e}_mac_en_r <= {e}_mac_en; {e}_mac_first_r <= {e}_mac_first; end\n")
    out = []
    for line in s.split("\n"):
        if re.search(r"wire (\[\d+:0\] )?sh\d+_\d+_(a|b|en|first)_n =", line):
            line = re.sub(r"(e\d+)_mac_en\[", r"\1_mac_en_r[", line)
            line = re.sub(r"(e\d+)_mac_first\[", r"\1_mac_first_r[", line)
        out.append(line)
    s = "\n".join(out)
    i = s.index("    wire sh")
    open(top_path, "w").write(s[:i] + decl + s[i:])


def register_ok(token_path):
    s = open(token_path).read()
    old = "    assign ok = run ? {N{1'b0}} : own;\n"
    new = """    reg [N-1:0] ok_r;
    assign ok = ok_r;
    wire [N-1:0] own_rot = {own[N-2:0], own[N-1]};
    always @(posedge clk)
        if (rst) ok_r <= {{(N - 1){1'b0}}, 1'b1};
        else if (!run) ok_r <= |(own & hs_last) ? {N{1'b0}} : own;
        else ok_r <= |(own & valid) ? own_rot : {N{1'b0}};
"""
    if old not in s:
        sys.exit(f"{token_path}: not the rnnc_mac_token this probe knows")
    open(token_path, "w").write(s.replace(old, new))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    top = [l.split("/")[-1][:-2] for l in open(f"{d}/files.f").read().split()][-1]
    register_sharers(f"{d}/rtl/{top}.v")
    register_ok(f"{d}/rtl/rnnc_mac_token.v")
    print(f"{d}: {top} edited (registered sharer operands, registered token ok); not functionally correct")


if __name__ == "__main__":
    main()
