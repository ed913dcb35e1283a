#!/usr/bin/env bash
# bench/limits.sh: how rnnc's time and memory grow with the model (issue 16: at most linearly).
#
# Compiles (-o, everything emitted) seeded random models of growing size and prints, per model,
# its weights, timesteps, the wall time and the peak memory of `rnnc M -o DIR` (GNU time):
#   weights  dense N x N on N features, 1 timestep, reuse N (N multipliers): N = 64 .. 2000
#   steps    dense 64 x 64 on 64 features, reuse 4096 (one multiplier), T = 256 .. 4096 timesteps
# Results go to bench/results/limits.txt. usage: bench/limits.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RNNC=${RNNC:-$ROOT/build/rnnc}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OUT=$ROOT/bench/results/limits.txt
model() { # units features timesteps reuse -> stdout
    python3 - "$@" <<'PY'
import random, sys
u, f, t, r = map(int, sys.argv[1:])
rng = random.Random(u * 7919 + t)
row = lambda n: "[" + ",".join("%.3f" % rng.uniform(-0.5, 0.5) for _ in range(n)) + "]"
print('{"rnnc": 1, "input": {"timesteps": %d, "features": %d}, "layers": [{"type": "dense", "units": %d, '
      '"reuse_factor": %d, "kernel": [%s], "bias": %s}]}' % (t, f, u, r, ",".join(row(u) for _ in range(f)), row(u)))
PY
}
measure() { # label weights steps model
    /usr/bin/time -f "%e %M" -o "$TMP/time" "$RNNC" "$4" -o "$TMP/out" >/dev/null
    read -r secs kb <"$TMP/time"
    printf '%-8s %9d %6d %8.2f %8d\n' "$1" "$2" "$3" "$secs" "$kb"
    rm -rf "$TMP/out"
}
{
    echo "# rnnc $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null): time and peak memory of rnnc M -o DIR"
    printf '%-8s %9s %6s %8s %8s\n' "# sweep" weights steps seconds peak_kb
    for n in 64 128 256 512 1024 2000; do
        model $n $n 1 $n >"$TMP/m.json"
        measure weights $((n * n + n)) 1 "$TMP/m.json"
    done
    for t in 256 512 1024 2048 4096; do
        model 64 64 $t 4096 >"$TMP/m.json"
        measure steps $((64 * 64 + 64)) $t "$TMP/m.json"
    done
} | tee "$OUT"
