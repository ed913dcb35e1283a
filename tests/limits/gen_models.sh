#!/bin/sh
# gen_models.sh OUTDIR [N]: the large and hostile model.json files of tests/limits/run.sh.
#
# Each is small to describe and large to process; they are generated rather than committed.
#   dense175.json        one dense layer of 175 units on 4096 timesteps x 175 features, reuse
#                        30625 (all its multiplications): a schedule of ~10^9 cycles
#   dropouts.json        50,000 dropout layers (more layers than rnnc supports)
#   dropouts_ok.json     N (default 1024, the layer limit) dropout layers (accepted, quickly)
#   empty_rows.json      a kernel of a million empty rows
#   flatten_max.json     4 x 4096 input, flatten, activation: the vector limit
#   flatten_big.json     4096 x 4096 input, flatten, activation: a 16M-element vector
#   weights_big.json     an LSTM of 4096 units on 4096 features (more weights than supported)
# The weights come from a fixed-seed Lehmer generator in awk (exact in doubles), so the files
# are the same with any POSIX awk.
set -eu
out=$1
mkdir -p "$out"
awk -v out="$out" -v nok="${2:-1024}" '
function rnd() { seed = (seed * 48271) % 2147483647; return seed / 2147483647 }
function row(n,   i, s) {
    s = "["
    for (i = 0; i < n; i++) s = s (i ? "," : "") sprintf("%.4f", -0.1 + 0.2 * rnd())
    return s "]"
}
function dropouts(f, n,   i) {
    printf "{\"rnnc\": 1, \"input\": {\"timesteps\": 2, \"features\": 1}, \"layers\": [" >f
    for (i = 0; i < n; i++) printf "%s{\"type\": \"dropout\"}", (i ? "," : "") >f
    printf "]}\n" >f
    close(f)
}
BEGIN {
    seed = 16
    u = 175
    f = out "/dense175.json"
    printf "{\"rnnc\": 1, \"name\": \"d175\", \"input\": {\"timesteps\": 4096, \"features\": %d},\n", u >f
    printf " \"layers\": [{\"type\": \"dense\", \"units\": %d, \"reuse_factor\": %d,\n  \"kernel\": [", u, u * u >f
    for (r = 0; r < u; r++) printf "%s%s", (r ? ",\n" : ""), row(u) >f
    printf "],\n  \"bias\": %s}]}\n", row(u) >f
    close(f)
    dropouts(out "/dropouts.json", 50000)
    dropouts(out "/dropouts_ok.json", nok)
    f = out "/empty_rows.json"
    printf "{\"rnnc\": 1, \"input\": {\"timesteps\": 1, \"features\": 1}, \"layers\": [{\"type\": \"dense\", \"units\": 4096," >f
    printf " \"use_bias\": false, \"kernel\": [" >f
    for (i = 0; i < 1000000; i++) printf "%s[]", (i ? "," : "") >f
    printf "]}]}\n" >f
    close(f)
    print "{\"rnnc\":1,\"input\":{\"timesteps\":4,\"features\":4096},\"layers\":[{\"type\":\"flatten\"}," \
        "{\"type\":\"activation\",\"activation\":\"sigmoid\",\"table_size\":65536}]}" >(out "/flatten_max.json")
    print "{\"rnnc\":1,\"input\":{\"timesteps\":4096,\"features\":4096},\"layers\":[{\"type\":\"flatten\"}," \
        "{\"type\":\"activation\",\"activation\":\"relu\"}]}" >(out "/flatten_big.json")
    print "{\"rnnc\": 1, \"input\": {\"timesteps\": 1, \"features\": 4096}, \"layers\": [{\"type\": \"lstm\", \"units\": 4096," \
        " \"kernel\": [], \"recurrent_kernel\": []}]}" >(out "/weights_big.json")
}'
