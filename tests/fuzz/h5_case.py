#!/usr/bin/env python3
"""h5_case.py: a Keras .h5 or .keras file as a test case of the h5/keras fuzz formats.

usage: python3 tests/fuzz/h5_case.py MODEL.h5|MODEL.keras > CASE   (needs h5py)

The case is the model's JSON (the model_config attribute, or config.json), a line "%%", and one
line per attribute and dataset of the HDF5 file (see tests/fuzz/harness.c); the weights' values
are not kept (the harness makes them from a seed). The seeds in tests/fuzz/seeds/{h5,keras} were
made with it from tests/keras/fixtures.
"""
import sys
import zipfile
import io

import h5py
import numpy as np


def lines_of(f):
    out = []

    def attrs(path, obj):
        for k, v in obj.attrs.items():
            if k == "model_config":
                continue
            vals = [x.decode() if isinstance(x, bytes) else str(x) for x in np.atleast_1d(v)]
            if isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.size == 0:
                out.append("a %s %s" % (path, k))
            else:
                out.append("a %s %s %s" % (path, k, "|".join(vals)))

    def visit(name, obj):
        attrs(name, obj)
        if isinstance(obj, h5py.Dataset):
            kind = "e" if obj.dtype == np.float64 else "i" if obj.dtype.kind == "i" else "d"
            out.append("%s %s %s %d" % (kind, name, "x".join(map(str, obj.shape)), len(out) + 1))

    attrs("/", f)
    f.visititems(visit)
    return out


def main(path):
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        text = z.read("config.json").decode()
        f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        extra = ["m " + z.read("metadata.json").decode()] if "metadata.json" in z.namelist() else []
    else:
        f = h5py.File(path, "r")
        mc = f.attrs["model_config"]
        text = mc.decode() if isinstance(mc, bytes) else mc
        extra = []
    sys.stdout.write(text.replace("\n", " ") + "\n%%\n" + "\n".join(lines_of(f) + extra) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
