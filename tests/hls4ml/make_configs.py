#!/usr/bin/env python3
"""make_configs.py: hls4ml configurations, written by hls4ml itself, for tests/hls4ml (run once,
by hand; the tests need no Python).

For small Keras models of every layer kind rnnc supports (LSTM, GRU, SimpleRNN, Dense,
Activation, Flatten, Dropout, Bidirectional), saved as NAME.h5 and NAME.json + NAME.weights.h5:
  NAME.GRAN.BACKEND.json   hls4ml.utils.config_from_keras_model(model, granularity=GRAN,
                           backend=BACKEND), GRAN model/type/name, BACKEND Vivado/Vitis, as JSON
  NAME.edit.json           the name-granularity config with every key a user edits changed
                           (types in hls4ml's spellings, reuse factors, table sizes)
  NAME.name16.Vivado.json  hls4ml's default fixed<16,6> (35..41-bit inferred accumulators)
  NAME.max.json            with a maximum precision (Model.Precision.maximum caps "auto")
  NAME.project.yml         hls4ml's project YAML (create_config + HLSConfig, KerasH5)
  NAME.project_json.yml    the same with KerasJson + KerasWeights
  NAME.written/hls4ml_config.yml  hls4ml's own write_yml (KerasModel: !keras_model ...)
and for each configuration C, C.expect: what hls4ml makes of it, read back from the converted
model (hls4ml.converters.convert_from_keras_model, no HLS tool): one line per rnnc quantity,
  type LAYER SLOT TYPE      (LAYER: rnnc layer name or "input"; TYPE canonical: s,W,I,Q,O,N)
  int LAYER KEY VALUE       (reuse_factor, recurrent_reuse_factor, table_size)
mapped to rnnc's names as docs/keras.md ("Coming from hls4ml") says: a Dense's split-off
activation's result is the Dense's result, an LSTM's state is kept in its result type.

usage: pip install hls4ml==1.3.0 tensorflow-cpu; python3 tests/hls4ml/make_configs.py
"""
import json
import os
import shutil
import sys
import tempfile

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras  # noqa: E402
import yaml  # noqa: E402

import hls4ml  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "configs")
L = keras.layers


def models():
    keras.utils.set_random_seed(1234)

    def seq(name, shape, layers):
        return keras.Sequential([keras.Input(shape, name="inp")] + layers, name=name)

    return {
        # LSTM and GRU stacked, a relu Dense, a softmax output (hls4ml splits both activations off)
        "lstm_gru": seq("lstm_gru", (6, 3), [L.LSTM(5, return_sequences=True, name="lstm1"), L.GRU(4, name="gru1"),
                                             L.Dense(3, activation="relu", name="d1"),
                                             L.Dense(2, activation="softmax", name="out")]),
        # SimpleRNN over the sequence, Flatten, a linear Dense, an Activation layer, a tanh output
        "rnn_flat": seq("rnn_flat", (5, 2), [L.SimpleRNN(4, return_sequences=True, name="rnn1"), L.Flatten(name="fl"),
                                             L.Dense(3, name="d1"), L.Activation("sigmoid", name="act"),
                                             L.Dense(2, activation="tanh", name="out")]),
        # Bidirectional LSTM, Dropout, a GRU without reset_after, a sigmoid output
        "bidi": seq("bidi", (4, 2), [L.Bidirectional(L.LSTM(3, return_sequences=True), name="bi"),
                                     L.Dropout(0.2, name="drop"), L.GRU(3, reset_after=False, name="gru1"),
                                     L.Dense(1, activation="sigmoid", name="out")]),
    }


def canon(p):
    """hls4ml precision -> s,W,I,Q,O,N (the test normalizes rnnc's types the same way)."""
    q = str(getattr(p, "rounding_mode", "TRN") or "TRN").split(".")[-1].replace("RoundingMode", "")
    o = str(getattr(p, "saturation_mode", "WRAP") or "WRAP").split(".")[-1].replace("SaturationMode", "")
    n = getattr(p, "saturation_bits", 0) or 0
    return "%d,%d,%d,%s,%s,%d" % (1 if p.signed else 0, p.width, p.integer, q, o, n)


def expect(hm, path):
    """What hls4ml made of the configuration, in rnnc's names."""
    layers = list(hm.get_layers())
    lines = []

    def t(layer, slot, prec):
        lines.append("type %s %s %s" % (layer, slot, canon(prec)))

    def i(layer, key, v):
        lines.append("int %s %s %d" % (layer, key, v))

    by_name = {l.name: l for l in layers}
    for l in layers:
        ty = {k[:-2]: v.precision for k, v in l.types.items() if k.endswith("_t")}
        cls = l.class_name
        if cls == "Input":
            t("input", "result", ty["result"])
        elif cls == "Dense":
            for s in ("weight", "bias", "accum"):
                t(l.name, s, ty[s])
            # rnnc's Dense result is its activation's (hls4ml: the split-off layer NAME_ACT)
            act = [a for n, a in by_name.items() if n.startswith(l.name + "_") and a.class_name in ("Activation", "Softmax")
                   and a.get_input_node() is l]
            t(l.name, "result", (act[0] if act else l).types["result_t"].precision)
            if act and act[0].class_name != "Softmax" and "table_t" in act[0].types:
                t(l.name, "table", act[0].types["table_t"].precision)
                i(l.name, "table_size", act[0].get_attr("table_size"))
            i(l.name, "reuse_factor", l.get_attr("reuse_factor"))
        elif cls in ("LSTM", "GRU", "SimpleRNN"):
            for s in ("weight", "bias", "recurrent_weight", "accum", "result", "table"):
                t(l.name, s, ty[s])
            if cls == "LSTM":
                t(l.name, "state", ty["result"])
            i(l.name, "reuse_factor", l.get_attr("reuse_factor"))
            i(l.name, "recurrent_reuse_factor", l.get_attr("recurrent_reuse_factor"))
            i(l.name, "table_size", l.get_attr("table_size"))
        elif cls == "Bidirectional":
            for d, sub in (("forward", l.name + "_fwd"), ("backward", l.name + "_bwd")):
                for s in ("weight", "bias", "recurrent_weight"):
                    t(sub, s, ty[d + "_" + s])
                for s in ("accum", "result", "table"):  # one accumulator, result and table type for both
                    t(sub, s, ty[s])
                if l.get_attr(d + "_class_name") == "LSTM":
                    t(sub, "state", ty["result"])
                i(sub, "reuse_factor", l.get_attr(d + "_reuse_factor"))
                i(sub, "recurrent_reuse_factor", l.get_attr(d + "_recurrent_reuse_factor"))
                i(sub, "table_size", l.get_attr("table_size"))
            t(l.name, "result", ty["result"])
        elif cls == "Activation" and not any(l.name == n + "_" + l.get_attr("activation") for n in by_name):
            t(l.name, "result", ty["result"])
            if "table" in ty and l.get_attr("activation") != "linear":
                t(l.name, "table", ty["table"])
                i(l.name, "table_size", l.get_attr("table_size"))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def convert(m, cfg, backend, out):
    with tempfile.TemporaryDirectory() as d:
        return hls4ml.converters.convert_from_keras_model(m, hls_config=cfg, backend=backend, io_type="io_parallel",
                                                          output_dir=d)


def edit(cfg):
    """Every key a user edits, in hls4ml's spellings."""
    names = cfg["LayerName"]
    types = ["fixed<12,4,RND,SAT,0>", "fixed<14,5>", "ap_fixed<10,3,AP_RND_CONV,AP_WRAP>", "ufixed<12,2,TRN,SAT>",
             "fixed<13,6,RND_CONV,WRAP,0>"]
    weights = ("weight", "bias", "recurrent_weight", "recurrent_bias")
    weights += tuple(d + "_" + w for d in ("forward", "backward") for w in weights)
    k = 0
    for name, e in names.items():
        p = e.get("Precision", {})
        for slot in list(p):
            if slot in weights or \
               (slot in ("result", "accum") and "table" in p and "exp_table" not in p) or \
               (slot == "table" and "exp_table" not in p):
                v = types[k % len(types)]
                if slot in ("table", "result", "accum") and v.startswith("ufixed"):
                    v = "fixed<16,6,RND,SAT>"
                p[slot] = v
                k += 1
        for key in ("ReuseFactor", "RecurrentReuseFactor", "ForwardReuseFactor", "BackwardReuseFactor",
                    "ForwardRecurrentReuseFactor", "BackwardRecurrentReuseFactor"):
            # hls4ml 1.3 (Vivado, Vitis) uses ReuseFactor for the recurrent kernel and for both
            # directions of a Bidirectional whatever the others say: keep them equal
            if key in e and (key != "ReuseFactor" or any(w in p for w in weights)):
                e[key] = 2
        if "TableSize" in e and "exp_table" not in p:
            e["TableSize"] = 512
        for d in ("", "forward_", "backward_"):
            if d + "recurrent_bias" in p:
                p[d + "recurrent_bias"] = p[d + "bias"]
        if name == "fl":  # a Flatten's type: kept by hls4ml's io_parallel, but the next "auto" infers from it
            p["result"] = "fixed<9,3>"
    names["inp"]["Precision"]["result"] = "fixed<12,5,RND,SAT,0>"
    return cfg


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for name, m in models().items():
        m.save(os.path.join(OUT, name + ".h5"))
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(m.to_json())
        m.save_weights(os.path.join(OUT, name + ".weights.h5"))
        made = {}
        for gran in ("model", "type", "name"):
            for backend in ("Vivado", "Vitis"):
                cfg = hls4ml.utils.config_from_keras_model(m, granularity=gran, backend=backend,
                                                           default_precision="fixed<10,4>")
                made["%s.%s" % (gran, backend)] = (cfg, backend)
        # hls4ml's own default (fixed<16,6>): the Dense accumulators it infers are 33 to 41 bits wide
        made["name16.Vivado"] = (hls4ml.utils.config_from_keras_model(m, granularity="name", backend="Vivado"), "Vivado")
        made["max"] = (hls4ml.utils.config_from_keras_model(m, granularity="name", backend="Vivado",
                                                            default_precision="fixed<10,4>", max_precision="fixed<20,8>"),
                       "Vivado")
        made["edit"] = (edit(hls4ml.utils.config_from_keras_model(m, granularity="name", backend="Vivado",
                                                                  default_precision="fixed<10,4>")), "Vivado")
        for tag, (cfg, backend) in made.items():
            base = os.path.join(OUT, "%s.%s" % (name, tag))
            with open(base + ".json", "w") as f:
                json.dump(cfg, f, indent=1)
            expect(convert(m, json.loads(json.dumps(cfg)), backend, base), base + ".expect")
        # project YAMLs, as convert_from_config reads them
        cfg, _ = made["name.Vivado"]
        proj = hls4ml.utils.config.create_config(output_dir="prj_" + name, project_name=name, backend="Vivado",
                                                 part="xcu250-figd2104-2L-e", clock_period=4)
        proj["HLSConfig"] = cfg
        for tag, keys in (("project", {"KerasH5": name + ".h5"}),
                          ("project_json", {"KerasJson": name + ".json", "KerasWeights": name + ".weights.h5"})):
            p = dict(keys)
            p.update(proj)
            with open(os.path.join(OUT, "%s.%s.yml" % (name, tag)), "w") as f:
                yaml.dump(p, f)
            shutil.copy(os.path.join(OUT, name + ".name.Vivado.expect"), os.path.join(OUT, "%s.%s.yml.expect" % (name, tag)))
        # hls4ml's own writer: hls4ml_config.yml with the model saved beside it
        wdir = os.path.join(OUT, name + ".written")
        cwd = os.getcwd()
        os.makedirs(wdir, exist_ok=True)
        os.chdir(wdir)
        try:
            hm = hls4ml.converters.convert_from_keras_model(m, hls_config=json.loads(json.dumps(cfg)), backend="Vivado",
                                                            io_type="io_parallel", output_dir=".",
                                                            part="xcu250-figd2104-2L-e")
            hm.config.backend.writer.write_yml(hm)
        finally:
            os.chdir(cwd)
        for f in os.listdir(wdir):
            if f not in ("hls4ml_config.yml", "keras_model.keras"):
                p = os.path.join(wdir, f)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
        shutil.copy(os.path.join(OUT, name + ".name.Vivado.expect"), os.path.join(wdir, "hls4ml_config.yml.expect"))
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
