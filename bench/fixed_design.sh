# bench/fixed_design.sh: sourced by the bench scripts that fix a search's pick as a design.
# fixed_design RNNC MODEL OUT.json SETTING...: MODEL imported by rnnc, then each SETTING applied
# to its layers and written to OUT.json. A SETTING is LAYER=R (the reuse factor) or
# LAYER.key=VALUE, LAYER a layer's name or * (every layer), VALUE an integer, true or false
# (bench/results/targets.txt's "chosen factors" column reads as such settings; share_multipliers
# 1 or 0 is a boolean).
fixed_design() {
    local rnnc=$1 model=$2 json=$3
    shift 3
    "$rnnc" import "$model" -o "$json.imported" >/dev/null
    python3 - "$json.imported" "$json" "$@" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for setting in sys.argv[3:]:
    key, value = setting.split("=")
    name, _, field = key.partition(".")
    field = field or "reuse_factor"
    if value in ("true", "false"):
        value = value == "true"
    else:
        value = int(value)
        if field in ("share_multipliers", "table_mirror"):
            value = bool(value)
    for layer in m["layers"]:
        if name in ("*", layer["name"]):
            layer[field] = value
json.dump(m, open(sys.argv[2], "w"))
PY
}
