#!/usr/bin/env python3
"""make_fixtures.py: the Keras fixtures of tests/keras (run once, by hand; the tests need no Python).

Small models covering every layer and option rnnc reads, made and saved by real Keras:
  Keras 3 (`keras`, TensorFlow backend):  NAME.k3.h5 (legacy full model), NAME.k3.json +
      NAME.k3.weights.h5 (to_json + save_weights, Keras 3 layout), NAME.keras (zip)
  Keras 2 (`tf_keras`, TF_USE_LEGACY_KERAS=1):  NAME.k2.h5 (full model), NAME.k2.json +
      NAME.k2.weights.h5 (to_json + save_weights, legacy layout)
plus NAME.in.txt (seeded inputs, rnnc's vector format, exact float32 values) and NAME.out.txt
(Keras's float32 predictions, one line per sequence, %.17g). Also the expected outputs of
../shared/models/model_toptag_gru.h5 on inputs in [0, 1], and bad models for the error tests.

usage: pip install tensorflow-cpu tf_keras h5py; python3 tests/keras/make_fixtures.py
       (FIXTURES_ONLY=bidi_ python3 tests/keras/make_fixtures.py: only the fixtures named so)
"""
import json
import os
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
ROOT = os.path.dirname(os.path.dirname(HERE))
TOPTAG = os.path.join(ROOT, "..", "shared", "models", "model_toptag_gru.h5")
N_SEQ = 4


def setup(major):
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_USE_LEGACY_KERAS"] = "1" if major == 2 else "0"
    import numpy as np
    if major == 2:
        import tf_keras as keras
    else:
        import keras
    keras.utils.set_random_seed(1234)
    return np, keras


def models(keras, major):
    """name -> (builder, timesteps, features). Every builder returns an unbuilt-free model."""
    L = keras.layers
    I = keras.Input

    def seq(name, shape, layers):
        return lambda: keras.Sequential([I(shape)] + layers, name=name)

    out = {
        # LSTM to a dense sigmoid output
        "lstm_basic": (seq("lstm_basic", (8, 3), [L.LSTM(4, name="lstm1"), L.Dense(2, activation="sigmoid", name="out")]), 8, 3),
        # stacked GRUs, reset_after (Keras default), linear output
        "gru_stack": (seq("gru_stack", (6, 4), [L.GRU(5, return_sequences=True, name="gru1"), L.GRU(3, name="gru2"),
                                                  L.Dense(1, name="out")]), 6, 4),
        # GRU reset_after=False, softmax output
        "gru_classic": (seq("gru_classic", (5, 3), [L.GRU(4, reset_after=False, name="gru"),
                                                      L.Dense(3, activation="softmax", name="out")]), 5, 3),
        # SimpleRNN (relu) returning sequences, per-timestep Dense, Flatten, tanh output
        "rnn_flatten": (seq("rnn_flatten", (7, 2), [L.SimpleRNN(6, activation="relu", return_sequences=True, name="rnn"),
                                                      L.Dense(3, activation="relu", name="td"), L.Flatten(name="flat"),
                                                      L.Dense(2, activation="tanh", name="out")]), 7, 2),
        # go_backwards on a sequence-returning and a last-state layer, Dropout, Activation
        "backwards": (seq("backwards", (6, 3), [L.LSTM(3, go_backwards=True, return_sequences=True, name="lstm_b"),
                                                  L.Dropout(0.3, name="drop"),
                                                  L.SimpleRNN(4, go_backwards=True, name="rnn_b"),
                                                  L.Activation("tanh", name="act"), L.Dense(2, name="out")]), 6, 3),
        # no biases; the model output is a sequence (Dense per timestep)
        "nobias_seq": (seq("nobias_seq", (5, 2), [L.LSTM(3, use_bias=False, return_sequences=True, name="lstm"),
                                                    L.Dense(2, use_bias=False, activation="sigmoid", name="out")]), 5, 2),
        # Dense(linear) + Activation("softmax") at the end (folded into one softmax Dense)
        "act_softmax": (seq("act_softmax", (4, 3), [L.GRU(4, name="gru"), L.Dense(3, name="logits"),
                                                      L.Activation("softmax", name="softmax")]), 4, 3),
    }

    # Bidirectional: each wrapped kind, every merge mode, with and without return_sequences, a
    # backward layer of another kind and size (backward_layer=)
    out["bidi_lstm_concat"] = (seq("bidi_lstm_concat", (6, 3), [L.Bidirectional(L.LSTM(4), name="bidi"),
                                                                L.Dense(2, activation="sigmoid", name="out")]), 6, 3)
    out["bidi_gru_sum_ave"] = (seq("bidi_gru_sum_ave", (5, 2), [
        L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum", name="bi_gru"),
        L.Bidirectional(L.SimpleRNN(2), merge_mode="ave", name="bi_rnn"), L.Dense(1, name="out")]), 5, 2)
    out["bidi_mixed_mul_seq"] = (seq("bidi_mixed_mul_seq", (4, 3), [
        L.Bidirectional(L.GRU(3, reset_after=False, return_sequences=True, name="fwd_gru"), merge_mode="mul",
                        backward_layer=L.LSTM(3, return_sequences=True, go_backwards=True, name="bwd_lstm"),
                        name="bi_mul"),
        L.Dense(2, activation="tanh", name="td")]), 4, 3)
    out["bidi_concat_seq_diff"] = (seq("bidi_concat_seq_diff", (5, 2), [
        L.Bidirectional(L.LSTM(3, return_sequences=True, name="fwd_lstm"),
                        backward_layer=L.SimpleRNN(2, return_sequences=True, go_backwards=True, name="bwd_rnn"),
                        name="bi_cat")]), 5, 2)  # last: Keras 3 infers concat's width as 2x the forward's

    def functional():
        x = I((6, 3), name="seq_in")
        h = L.GRU(4, return_sequences=True, name="gru")(x)
        h = L.LSTM(3, name="lstm")(h)
        h = L.Dense(4, activation="relu", name="hidden")(h)
        y = L.Dense(2, activation="sigmoid", name="out")(h)
        return keras.Model(x, y, name="functional_chain")
    out["functional"] = (functional, 6, 3)
    if major == 2:
        # Keras 2's hard_sigmoid (clip(0.2x + 0.5, 0, 1)) in the gates
        out["hard_sigmoid"] = (seq("hard_sigmoid", (5, 3), [L.LSTM(4, recurrent_activation="hard_sigmoid", name="lstm"),
                                                              L.Dense(1, activation="hard_sigmoid", name="out")]), 5, 3)
    else:
        out["relu_softmax_layers"] = (seq("relu_softmax_layers", (4, 2), [L.SimpleRNN(5, name="rnn"), L.Dense(4, name="d1"),
                                                                          L.ReLU(name="relu"), L.Dense(3, name="d2"),
                                                                          L.Softmax(name="sm")]), 4, 2)
    return out


def randomize(np, model, rng):
    """Weights and biases uniform in [-0.6, 0.6] (nonzero biases, so they are tested)."""
    for layer in model.layers:
        w = layer.get_weights()
        if w:
            layer.set_weights([rng.uniform(-0.6, 0.6, a.shape).astype(a.dtype) for a in w])


def fmt(v):
    return "%.17g" % float(v)


def write_vectors(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(" ".join(fmt(v) for v in r) + "\n")


def make(major):
    np, keras = setup(major)
    rng = np.random.default_rng(20240 + major)
    tag = "k%d" % major
    only = os.environ.get("FIXTURES_ONLY")  # a name prefix: only those fixtures (e.g. bidi_)
    for name, (build, t, feat) in models(keras, major).items():
        if only and not name.startswith(only):
            continue
        m = build()
        # the bidi_ fixtures draw from their own generator (the same when made alone or with all)
        r = np.random.default_rng(zlib.crc32(name.encode()) + major) if name.startswith("bidi_") else rng
        randomize(np, m, r)
        x = r.uniform(-1.0, 1.0, (N_SEQ, t, feat)).astype("float32")
        y = m.predict(x, verbose=0).reshape(N_SEQ, -1)
        base = os.path.join(OUT, name)
        write_vectors("%s.%s.in.txt" % (base, tag), x.reshape(N_SEQ, -1))
        write_vectors("%s.%s.out.txt" % (base, tag), y)
        m.save("%s.%s.h5" % (base, tag))
        with open("%s.%s.json" % (base, tag), "w") as f:
            f.write(m.to_json())
        m.save_weights("%s.%s.weights.h5" % (base, tag))
        if major == 3:
            m.save(base + ".keras")
    L = keras.layers
    if major == 3 and (not only or "bidi_".startswith(only) or only.startswith("bidi_")):
        # a Bidirectional with merge_mode None (two outputs), read with bidi_lstm_concat's weights
        arch = json.load(open(os.path.join(OUT, "bidi_lstm_concat.k3.json")))
        for layer in arch["config"]["layers"]:
            if layer["class_name"] == "Bidirectional":
                layer["config"]["merge_mode"] = None
        json.dump(arch, open(os.path.join(OUT, "bad_bidi_merge_none.k3.json"), "w"))
    if only:
        return
    if major == 3:
        # unsupported models, for the error tests
        bad = {
            "bad_conv1d": keras.Sequential([keras.Input((8, 3)), L.Conv1D(2, 3, name="conv"), L.Flatten(), L.Dense(1)],
                                           name="conv"),
            "bad_bidirectional": keras.Sequential([keras.Input((6, 3)), L.Bidirectional(L.LSTM(2), name="bidi"),
                                                   L.Dense(1)], name="bidi"),
            "bad_masking": keras.Sequential([keras.Input((6, 3)), L.Masking(name="mask"), L.LSTM(2), L.Dense(1)],
                                            name="masking"),
            "bad_hard_sigmoid3": keras.Sequential([keras.Input((5, 3)), L.LSTM(2, recurrent_activation="hard_sigmoid",
                                                                                name="lstm_hs"), L.Dense(1)], name="hs3"),
            "bad_elu": keras.Sequential([keras.Input((5, 3)), L.LSTM(2, name="lstm"), L.Dense(1, activation="elu", name="d_elu")],
                                        name="elu"),
            "var_timesteps": keras.Sequential([keras.Input((None, 3)), L.LSTM(2, name="lstm"), L.Dense(1, name="out")],
                                              name="var_timesteps"),
        }
        for name, m in bad.items():
            randomize(np, m, rng)
            m.save(os.path.join(OUT, name + ".keras"))
            if name in ("bad_bidirectional", "bad_conv1d"):
                m.save(os.path.join(OUT, name + ".h5"))
        x = rng.uniform(-1.0, 1.0, (N_SEQ, 5, 3)).astype("float32")
        write_vectors(os.path.join(OUT, "var_timesteps.in.txt"), x.reshape(N_SEQ, -1))
        write_vectors(os.path.join(OUT, "var_timesteps.out.txt"), bad["var_timesteps"].predict(x, verbose=0))
        # architecture edits: stateful and return_state, read with lstm_basic.k3.weights.h5
        arch = json.load(open(os.path.join(OUT, "lstm_basic.k3.json")))
        for key in ("stateful", "return_state"):
            a = json.loads(json.dumps(arch))
            for layer in a["config"]["layers"]:
                if layer["class_name"] == "LSTM":
                    layer["config"][key] = True
            json.dump(a, open(os.path.join(OUT, "bad_%s.k3.json" % key), "w"))
        import h5py
        import shutil
        # Keras 3 weights without the vars/@name attributes (as older Keras 3 writes them): rnnc
        # then finds a layer's group by its class (dense, dense_1, ...)
        for name in ("functional", "relu_softmax_layers"):
            dst = os.path.join(OUT, name + ".k3.noname.weights.h5")
            shutil.copy(os.path.join(OUT, name + ".k3.weights.h5"), dst)
            with h5py.File(dst, "r+") as f:
                groups = []
                f.visititems(lambda p, o: groups.append(o) if isinstance(o, h5py.Group) and "name" in o.attrs else None)
                for g in groups:
                    del g.attrs["name"]
        # a zip that is not a Keras archive
        import zipfile
        with zipfile.ZipFile(os.path.join(OUT, "bad_not_keras.keras"), "w") as z:
            z.writestr("readme.txt", "not a model\n")
        # functional.k3.h5 with 64 bytes overwritten where its global heap (model_config) is:
        # found by a corruption sweep, it crashes libhdf5 1.10's H5HG_read (rnnc must still exit
        # with status 2 and a message); the offset fits the file as Keras 3.15 writes it
        bad_heap = bytes.fromhex(
            "8e1198f53116edb86279d6bcdf679fb57e3d2f0725e6af4d509bf45031d31ce9"
            "b5d6fabd2afda6be1784edf6c7986b07e07f97f6f6bb205f09891a489c884ea5")
        data = bytearray(open(os.path.join(OUT, "functional.k3.h5"), "rb").read())
        data[11821:11821 + 64] = bad_heap
        open(os.path.join(OUT, "bad_corrupt_heap.k3.h5"), "wb").write(bytes(data))
        # mismatched weight shapes: one kernel replaced by a wrong-shaped one
        src = os.path.join(OUT, "lstm_basic.k3.h5")
        dst = os.path.join(OUT, "bad_shape.k3.h5")
        shutil.copy(src, dst)
        with h5py.File(dst, "r+") as f:
            path = None
            f.visit(lambda p: None)
            def find(p, obj):
                nonlocal path
                if path is None and isinstance(obj, h5py.Dataset) and p.endswith("kernel") and "recurrent" not in p \
                        and "lstm" in p:
                    path = p
            f.visititems(find)
            data = f[path][()]
            del f[path]
            f[path] = data[:-1]
    else:
        # the reference model: Keras's own outputs on inputs in [0, 1]
        if os.path.exists(TOPTAG):
            m = keras.models.load_model(TOPTAG, compile=False)
            x = rng.uniform(0.0, 1.0, (16, 20, 6)).astype("float32")
            write_vectors(os.path.join(OUT, "toptag.in.txt"), x.reshape(16, -1))
            write_vectors(os.path.join(OUT, "toptag.out.txt"), m.predict(x, verbose=0))


def main():
    os.makedirs(OUT, exist_ok=True)
    if len(sys.argv) > 1:
        make(int(sys.argv[1]))
        return
    for major in (3, 2):  # separate processes: the Keras version is chosen at import
        subprocess.check_call([sys.executable, os.path.abspath(__file__), str(major)])
    print("fixtures in", OUT)


if __name__ == "__main__":
    main()
