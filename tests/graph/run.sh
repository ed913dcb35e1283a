#!/usr/bin/env bash
# tests/graph/run.sh: netlists built by hand as graphs (a fork and a join), simulated bit- and
# cycle-exact and again under random stalls (test_graph.c): GRAPH_SEEDS random models (default 8), odd seeds the two dense
# layers side by side on the input, even seeds a residual (a + b(a)). Seeds 1 and 2 also check
# that a wrong reference and a wrong latency are caught. Ends with "graph: N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/build/graph"
SEEDS="${GRAPH_SEEDS:-8}"
make -s -C "$ROOT" >/dev/null || { echo "graph: 0 passed, 1 failed"; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
OBJS=$(ls "$ROOT"/build/obj/*.o | grep -v '/main\.o$')
HDF5_LIBS=$(pkg-config --libs hdf5 2>/dev/null || echo -lhdf5_serial)
ZIP_LIBS=$(pkg-config --libs libzip 2>/dev/null || echo -lzip)
YAML_LIBS=$(pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
# shellcheck disable=SC2086
if ! cc -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -O1 -g \
        -I"$ROOT/compiler" "$ROOT/tests/graph/test_graph.c" $OBJS -lcjson -lm $HDF5_LIBS $ZIP_LIBS -lprotobuf-c $YAML_LIBS \
        -o "$OUT/test_graph"; then
    echo "graph: 0 passed, 1 failed"
    exit 1
fi
pass=0
fail=0
for s in $(seq 1 "$SEEDS"); do
    mkdir -p "$OUT/seed$s"
    extra=""
    [ "$s" -le 2 ] && extra="--mutants"
    # shellcheck disable=SC2086
    if "$OUT/test_graph" "$s" "$OUT/seed$s" $extra > "$OUT/seed$s.log" 2>&1 && grep -q '^PASS' "$OUT/seed$s.log"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
    grep -E '^(PASS|FAIL)' "$OUT/seed$s.log" || { echo "FAIL seed $s:"; tail -n 5 "$OUT/seed$s.log"; }
done
echo "graph: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
