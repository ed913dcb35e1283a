#!/usr/bin/env python3
"""make_fixtures.py: fixtures from hls4ml itself for tests/hls4ml/run.sh (run by hand, not by
make test; the suite needs no Python).

Builds small seeded Keras 3 models of the layer kinds rnnc supports, gets hls4ml's configs with
config_from_keras_model (granularity model, type and name; Vivado backend), converts each with
io_parallel, runs hls_model.compile() (g++) and hls_model.predict on seeded inputs, and writes
into fixtures/:
  NAME.h5                    the Keras model
  NAME.in.txt                inputs (rnnc's vector format, one sequence a line)
  NAME.CASE.json             the hls4ml config (hls_config as given to hls4ml)
  NAME.CASE.out.txt          hls4ml's predictions (%.17g), one line per sequence
CASE is model, type, name, model_<impl> (granularity model plus a LayerType Softmax entry
choosing the softmax implementation), model_mixed (one recurrent layer's accum wider than its
result) or model_sat (one dense's accum saturating). A model whose NAME.h5 and NAME.in.txt
exist is loaded from them (delete both to remake it): cases are added, the model never remade.
hls4ml's C++ is built with -O1 instead of its -O3 (the same results, faster).

usage: pip install 'hls4ml==1.3.*' tensorflow; python3 tests/hls4ml/make_fixtures.py [NAME...]
       (CASES=model_mixed,model_sat python3 tests/hls4ml/make_fixtures.py: only those cases)
"""
import json
import os
import shutil
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
N_SEQ = 40

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def models(keras):
    L = keras.layers

    def seq(name, shape, layers):
        return (lambda: keras.Sequential([keras.Input(shape)] + layers, name=name)), shape

    return {
        "lstm_sig": seq("lstm_sig", (6, 3), [L.LSTM(4, name="lstm"), L.Dense(2, activation="sigmoid", name="out")]),
        "gru_softmax": seq("gru_softmax", (5, 4), [L.GRU(5, name="gru"), L.Dense(4, activation="softmax", name="out")]),
        # reset_after=False: hls4ml 1.3 (Keras 3) takes bias[0] and bias[1] (two scalars) as the
        # two bias rows and reads past them: rnnc refuses it under --numerics hls4ml
        "gru_classic": seq("gru_classic", (5, 3), [L.GRU(4, reset_after=False, name="gru"),
                                                    L.Dense(3, activation="tanh", name="out")]),
        "seq_flat": seq("seq_flat", (4, 2), [L.GRU(5, return_sequences=True, name="gru"), L.Flatten(name="flat"),
                                             L.Dense(6, activation="relu", name="hid"), L.Dense(5, name="logits"),
                                             L.Activation("softmax", name="sm")]),
        # hls4ml 1.3's Vivado backend writes no code for a SimpleRNN (its output array is left
        # unset): rnnc refuses it under --numerics hls4ml; kept to notice when hls4ml changes
        "simple_rnn": seq("simple_rnn", (4, 2), [L.SimpleRNN(4, name="rnn"), L.Dense(2, name="out")]),
        "lstm_seq": seq("lstm_seq", (5, 2), [L.LSTM(3, return_sequences=True, name="lstm1"), L.LSTM(4, name="lstm2"),
                                             L.Dense(3, activation="softmax", name="out")]),
        "dense_tanh": seq("dense_tanh", (1, 6), [L.Flatten(name="flat"), L.Dense(8, activation="tanh", name="d1"),
                                                 L.Dense(4, activation="sigmoid", name="d2")]),
    }


def fmt(v):
    return "%.17g" % float(v)


def write_rows(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(" ".join(fmt(v) for v in r) + "\n")


# granularity type for these only (it is name's config with class keys; each case is a slow g++)
TYPE_CASES = ("lstm_sig", "gru_softmax")
# models hls4ml 1.3 mistranslates: granularity model only
REFUSED = ("gru_classic", "simple_rnn")


MIXED = {"accum": "ap_fixed<20,8>", "result": "ap_fixed<14,5>"}
SAT = {"accum": "ap_fixed<12,3,AP_TRN,AP_SAT>"}
# (an LSTM's accum cannot differ from its result: hls4ml 1.3's non-static lstm template, built
# too, then does not compile; rnnc refuses it under --numerics hls4ml)
EXTRA = {
    "gru_softmax": [("gru", MIXED, "model_mixed"), ("out", SAT, "model_sat")],
    "dense_tanh": [("d1", SAT, "model_sat")],
}


def cases(hls4ml, model, has_softmax):
    out = {}
    name = model.name
    grans = ("model",) if name in REFUSED else ("model", "type", "name") if name in TYPE_CASES else ("model", "name")
    for g in grans:
        out[g] = hls4ml.utils.config_from_keras_model(model, granularity=g, backend="Vivado")
    # the hls4ml numerics where rnnc's differ: a recurrent layer's accum wider than its result
    # (gates in accum), a saturating dense accum (running sums in order)
    for layer, prec, case in EXTRA.get(name, ()):
        c = json.loads(json.dumps(out["model"]))
        c.setdefault("LayerName", {})[layer] = {"Precision": prec}
        out[case] = c
    if has_softmax and name not in REFUSED:
        for impl in ("latency", "legacy"):
            c = json.loads(json.dumps(out["model"]))
            c["LayerType"] = {"Softmax": {"implementation": impl}}
            out["model_" + impl] = c
    return out


def main():
    import numpy as np
    import keras
    import hls4ml

    os.makedirs(OUT, exist_ok=True)
    only = sys.argv[1:]
    for name, (build, shape) in models(keras).items():
        if only and name not in only:
            continue
        h5, inp = os.path.join(OUT, name + ".h5"), os.path.join(OUT, name + ".in.txt")
        if os.path.exists(h5) and os.path.exists(inp):
            # a model made before: its cases are added to, never remade (Keras's initializers
            # do not give the same weights in every process)
            m = keras.models.load_model(h5, compile=False)
            x = np.loadtxt(inp, dtype="float64", ndmin=2).astype("float32").reshape((-1,) + shape)
        else:
            seed = zlib.crc32(name.encode())
            keras.utils.set_random_seed(seed % 2**31)
            rng = np.random.default_rng(seed)
            m = build()
            # weights a little larger than Keras's initializers, so sums reach the tables' edges
            for w in m.weights:
                w.assign(np.asarray(w.numpy()) * 1.5 + rng.normal(0, 0.1, w.shape).astype("float32"))
            m.save(h5)
            x = rng.uniform(-2, 2, (N_SEQ,) + shape).astype("float32")
            write_rows(inp, x.reshape(N_SEQ, -1))
        has_sm = any(getattr(l, "activation", None) is keras.activations.softmax for l in m.layers)
        want = os.environ.get("CASES", "").split(",") if os.environ.get("CASES") else None
        for case, cfg in cases(hls4ml, m, has_sm).items():
            if want and case not in want:
                continue
            tmp = tempfile.mkdtemp(prefix="hls4ml_" + name + "_" + case + "_")
            try:
                hm = hls4ml.converters.convert_from_keras_model(
                    m, hls_config=cfg, backend="Vivado", io_type="io_parallel", output_dir=tmp,
                    project_name="p_" + name)
                hm.write()
                # -O1 instead of -O3: the same integer arithmetic and IEEE float table values
                # (x86-64 SSE, no -ffast-math), built several times faster
                bl = os.path.join(tmp, "build_lib.sh")
                with open(bl) as f:
                    text = f.read()
                with open(bl, "w") as f:
                    f.write(text.replace('CFLAGS="-O3', 'CFLAGS="-O1'))
                hm._compile()
                y = hm.predict(np.ascontiguousarray(x.astype("float64")))
                y = np.asarray(y).reshape(N_SEQ, -1)
                if os.environ.get("KEEP"):
                    print("kept", tmp)
            except Exception as e:  # hls4ml cannot convert or compile it: recorded, not a fixture
                with open(os.path.join(OUT, "%s.%s.skip" % (name, case)), "w") as f:
                    f.write("hls4ml %s failed: %s\n" % (hls4ml.__version__, str(e).splitlines()[0] if str(e) else type(e).__name__))
                print(name, case, "hls4ml failed:", e, flush=True)
                continue
            finally:
                if not os.environ.get("KEEP"):
                    shutil.rmtree(tmp, ignore_errors=True)
            with open(os.path.join(OUT, "%s.%s.json" % (name, case)), "w") as f:
                json.dump(cfg, f, indent=1, sort_keys=False)
                f.write("\n")
            write_rows(os.path.join(OUT, "%s.%s.out.txt" % (name, case)), y)
            print(name, case, "done", flush=True)


if __name__ == "__main__":
    main()
