#!/usr/bin/env python3
"""train_toptag20.py: the paper-size top-tagging LSTM(20) and GRU(20) as trained Keras files.

The seed paper's top tagger (LSTM(20) or GRU(20) on 20 timesteps x 6 features, Dense(64, relu),
Dense(1, sigmoid)) trained on a synthetic but physically shaped task: a jet is 20 constituents
sorted by falling pt, each with 6 features (log pt, log E, pt fraction, delta eta and delta phi
to the jet axis, delta R). A top jet is three prongs (b and the W's two quarks) whose summed
four-momentum gives about 175 GeV; a QCD jet is one hard prong whose gluon splittings sometimes
give a second or third, with a broad mass spectrum. The label is whether the jet came from a
top: a nonlinear function of the whole sequence (its mass, its prong structure), which the two
overlap enough to make imperfect.

Writes examples/toptag_lstm20.h5 and examples/toptag_gru20.h5 (Keras 3, legacy full-model
.h5), examples/toptag20_in.txt (the first 8 test jets in rnnc's input format) and prints each
model's test accuracy in float (Keras); run once, by hand (seeded; the .h5 files are committed):

    python3 -m venv /tmp/kv && /tmp/kv/bin/pip install keras jax h5py
    KERAS_BACKEND=jax /tmp/kv/bin/python bench/train_toptag20.py [OUTDIR] [--test-file F]

--predict loads the two .h5 files from OUTDIR instead of training and writes Keras's float
predictions on toptag20_in.txt (as rnnc reads it) to tests/keras/fixtures/toptag20_{lstm,gru}.out.txt
(tests/keras/run.sh checks rnnc --float against them).
--test-file F also writes the whole test set (2000 jets) to F and its labels to F.labels
(rnnc --emulate on it gives the fixed-point accuracy: bench/results/toptag20.txt).
"""
import argparse
import math
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
T, F = 20, 6
N_TRAIN, N_TEST = 20000, 2000


def prongs(rng, top):
    """The jet's hard prongs: (pt, eta, phi, mass-less) for a top (3 prongs) or QCD (1-3)."""
    jet_pt = rng.uniform(550, 650)
    if top:
        # b + W(qq'): energy shares from a 3-body split, opening angles set by the top's mass
        z = rng.dirichlet([1.2, 1.2, 1.2])  # a soft prong may hide in the others
        mass = rng.normal(175.0, 25.0)
    else:
        n = 1 + (rng.random() < 0.6) + (rng.random() < 0.4)
        z = rng.dirichlet([4.0] + [0.7] * (n - 1)) if n > 1 else np.array([1.0])
        mass = rng.exponential(90.0) + 30.0
    # angles: spread so that the pair masses sum to about the jet mass (m^2 ~ pt^2 dR^2 z_i z_j)
    n = len(z)
    pair = sum(z[i] * z[j] for i in range(n) for j in range(i + 1, n)) or 0.05
    dr = mass / jet_pt / math.sqrt(pair)
    ang = rng.uniform(0, 2 * math.pi)
    out = []
    for i in range(n):
        a = ang + 2 * math.pi * i / n + rng.normal(0, 0.4)
        r = dr * (1 - z[i]) * rng.uniform(0.6, 1.2)
        out.append((jet_pt * z[i], r * math.cos(a), r * math.sin(a)))
    return out


def jet(rng, top):
    """20 constituents (pt-sorted) x 6 features, and the jet's mass-like summary (unused)."""
    parts = []
    for pt, eta, phi in prongs(rng, top):
        k = int(rng.integers(6, 12))
        share = rng.dirichlet([0.6] * k)  # a few hard constituents, many soft ones
        width = 0.02 + 0.25 / math.sqrt(pt)
        for s in share:
            parts.append((pt * s, eta + rng.normal(0, width), phi + rng.normal(0, width)))
    for _ in range(int(rng.integers(3, 10))):  # soft radiation, pile-up
        parts.append((rng.exponential(2.0) + 0.5, rng.normal(0, 0.4), rng.normal(0, 0.4)))
    parts.sort(key=lambda p: -p[0])
    parts = parts[:T]
    jpt = sum(p[0] for p in parts)
    x = np.zeros((T, F), dtype=np.float32)
    for t, (pt, eta, phi) in enumerate(parts):
        e = pt * math.cosh(eta)
        x[t] = (math.log(pt), math.log(e), pt / jpt, eta, phi, math.hypot(eta, phi))
    return x


def dataset(rng, n):
    y = (rng.random(n) < 0.5).astype(np.float32)
    x = np.stack([jet(rng, bool(v)) for v in y])
    return x, y


def standardize(x, mean, std):
    """Per feature, the zero padding of short jets left at 0."""
    mask = np.any(x != 0, axis=2, keepdims=True)
    return np.where(mask, (x - mean) / std, 0).astype(np.float32)


def build(keras, kind):
    rnn = keras.layers.LSTM if kind == "lstm" else keras.layers.GRU
    return keras.Sequential([
        keras.Input(shape=(T, F)),
        rnn(20, name=f"{kind}1"),
        keras.layers.Dense(64, activation="relu", name="dense1"),
        keras.layers.Dense(1, activation="sigmoid", name="out"),
    ], name=f"toptag_{kind}20")


def write_inputs(path, x):
    with open(path, "w") as f:
        f.write(f"# train_toptag20.py: {len(x)} synthetic jets, 20 constituents x 6 standardized features, "
                "timestep-major\n")
        for seq in x:
            f.write(" ".join("%.6g" % v for v in seq.reshape(-1)) + "\n")


def predict(keras, out):
    """Keras's predictions on toptag20_in.txt, parsed as rnnc parses it (float32), %.17g."""
    rows = [l.split() for l in open(os.path.join(out, "toptag20_in.txt")) if l.strip() and not l.startswith("#")]
    x = np.array([[float(v) for v in r] for r in rows], dtype=np.float32).reshape(-1, T, F)
    fix = os.path.join(ROOT, "tests", "keras", "fixtures")
    for kind in ("lstm", "gru"):
        m = keras.models.load_model(os.path.join(out, f"toptag_{kind}20.h5"), compile=False)
        with open(os.path.join(fix, f"toptag20_{kind}.out.txt"), "w") as f:
            for y in m.predict(x, verbose=0):
                f.write(" ".join("%.17g" % v for v in y) + "\n")


def main():
    import keras
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir", nargs="?", default=os.path.join(ROOT, "examples"))
    ap.add_argument("--test-file")
    ap.add_argument("--predict", action="store_true")
    a = ap.parse_args()
    out, test_file = a.outdir, a.test_file
    if a.predict:
        predict(keras, out)
        return
    rng = np.random.default_rng(12)
    keras.utils.set_random_seed(12)
    xtr, ytr = dataset(rng, N_TRAIN)
    xte, yte = dataset(rng, N_TEST)
    mask = np.any(xtr != 0, axis=2)
    mean, std = xtr[mask].mean(axis=0), xtr[mask].std(axis=0)
    xtr, xte = standardize(xtr, mean, std), standardize(xte, mean, std)
    write_inputs(os.path.join(out, "toptag20_in.txt"), xte[:8])
    if test_file:
        write_inputs(test_file, xte)
        np.savetxt(test_file + ".labels", yte, fmt="%d")
    for kind in ("lstm", "gru"):
        keras.utils.set_random_seed(12)
        m = build(keras, kind)
        m.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
        m.fit(xtr, ytr, batch_size=128, epochs=6, validation_split=0.1, verbose=2)
        loss, acc = m.evaluate(xte, yte, verbose=0)
        path = os.path.join(out, f"toptag_{kind}20.h5")
        m.save(path)
        print(f"{path}: test accuracy {acc:.4f} (loss {loss:.4f}) on {N_TEST} jets, {m.count_params()} parameters")


if __name__ == "__main__":
    main()
