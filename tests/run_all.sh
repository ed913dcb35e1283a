#!/usr/bin/env bash
# run_all.sh: every test suite of rnnc, in order, then the totals.
#   unit    C unit tests of the numerics and the emulator (also under ASan/UBSan)
#   rtl     rtl_lib modules, each swept over parameters, against the C numerics
#   errors  malformed inputs: exit status 2 and a message naming the file and JSON path
#   asan    the error suite and a few end-to-end models with the sanitized compiler
#   keras   Keras models (.h5, JSON + weights, .keras) against Keras's predictions; bad files
#   hls4ml-config  hls4ml 1.3's own configurations and project YAMLs: the types, reuse factors and table
#           sizes hls4ml resolves are rnnc's; bad configurations
#   onnx    ONNX models (torch.onnx.export's form) against onnxruntime; --sim; bad files
#   limits  huge and hostile inputs: refused naming the limit, or compiled, quickly; the Keras
#           reader's child process (crash, hang, runaway allocation)
#   precision  --precision auto, --trace, overflow warnings; auto-typed designs bit-exact
#   hls4ml  --numerics hls4ml against hls4ml 1.3's own predictions (fixtures made by hls4ml)
#   e2e     emitted designs simulated bit-exact and cycle-exact (fixed cases + random models)
#   graph   hand-built fork/join netlists (tests/graph) simulated bit-exact and cycle-exact
#   uart    the UART front-end modules (rx, tx, beat (de)serializers), swept and in loopback
#   flow    synthesis, place and route, bitstream, reports, post-synthesis and UART simulation
#   cocotb  the emitted cocotb testbench against the C reference model (SKIP without cocotb)
#   formal  rtl_lib handshake/control modules proved by induction, emitted tops by BMC (yosys-smtbmc)
# Each suite ends with "NAME: N passed, M failed"; this prints "tests: N passed, M failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG=$ROOT/build/test-logs
mkdir -p "$LOG"
rm -f "$LOG/times.txt"
total_pass=0
total_fail=0
# cpu_now: CPU (user + system, whole seconds) of every child this shell has waited for so far,
# into CPU (`times` runs in this shell: in a command substitution it would count the subshell's)
cpu_now() {
    times >"$LOG/.times"
    CPU=$(tail -n 1 "$LOG/.times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d", t }')
}
suite() { # name, command...
    local name=$1 t0=$SECONDS c0
    cpu_now
    c0=$CPU
    shift
    echo "== $name"
    "$@" 2>&1 | tee "$LOG/$name.log"
    local rc=${PIPESTATUS[0]}
    cpu_now
    echo "$name: $((SECONDS - t0)) s, $((CPU - c0)) s CPU" | tee -a "$LOG/times.txt"
    local line p f
    line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' "$LOG/$name.log" | tail -n 1)
    p=$(echo "$line" | sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    [ -n "$line" ] || { p=0; f=1; echo "$name: no result line"; }
    [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}
suite unit "$ROOT/tests/unit/run.sh"
suite rtl "$ROOT/tests/rtl/run.sh"
suite errors "$ROOT/tests/errors/run.sh"
suite asan "$ROOT/tests/asan/run.sh"
suite keras "$ROOT/tests/keras/run.sh"
suite hls4ml-config "$ROOT/tests/hls4ml/configs.sh"
suite onnx "$ROOT/tests/onnx/run.sh"
suite limits "$ROOT/tests/limits/run.sh"
suite precision "$ROOT/tests/precision/run.sh"
suite hls4ml "$ROOT/tests/hls4ml/numerics.sh"
suite e2e "$ROOT/tests/e2e/run.sh"
suite graph "$ROOT/tests/graph/run.sh"
suite uart "$ROOT/tests/rtl/run_uart.sh"
suite flow "$ROOT/tests/flow/run.sh"
suite cocotb "$ROOT/tests/cocotb/run.sh"
suite formal "$ROOT/tests/formal/run.sh"
echo
echo "tests: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
