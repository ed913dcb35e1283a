#!/usr/bin/env python3
"""make_fixtures.py: the ONNX fixtures of tests/onnx (run once; its outputs are committed).

(Fixtures exported by PyTorch itself, once it could be installed, are made by export_torch.py
into tests/onnx/torch/; the ones here keep the hand-built forms and the malformed files.)

PyTorch could not be installed on the machine that made them (download.pytorch.org unreachable;
PyPI's torch pulls gigabytes of CUDA), so the graphs are built with the `onnx` package's helper
API in the form torch.onnx.export (the TorchScript exporter, dynamo=False) writes for
nn.LSTM/GRU/RNN(batch_first=True) models: the Transpose to time-major, the operator with W, R, B
initializers (gates i,o,f,c / z,r,h, GRU linear_before_reset=1), zero initial states computed
from Shape/Gather/Unsqueeze/Concat/ConstantOfShape (or Expand) of the dynamic batch, Squeeze of
the direction axis, Transpose back, out[:, -1, :] as Gather or Slice+Squeeze, h_n[-1] as Gather,
nn.Linear as Gemm(transB=1) on 2-D and MatMul+Add on 3-D inputs, torch.flatten as Flatten.
A few forms torch never writes (direction reverse, layout 1, GRU linear_before_reset=0) are
built by hand; rnn_unrolled follows torch's decomposition of aten.rnn_tanh (what the dynamo
exporter writes for nn.RNN), read from its code, not from an export. onnxruntime computes the reference outputs, one sequence at a time (the onnx
package's reference evaluator where onnxruntime lacks the form: layout=1).

Writes fixtures/NAME.onnx, NAME.in.txt (rnnc's vector format, one sequence a row) and
NAME.out.txt (onnxruntime's float outputs), and fixtures/bad_*.onnx for the error tests.
usage: python3 tests/onnx/make_fixtures.py     (needs numpy, onnx, onnxruntime)
       python3 tests/onnx/make_fixtures.py --derived   (only the bad files derived from committed
                                                        fixtures: numpy and onnx)
"""
import json
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
N_SEQ = 8
I64MAX = 9223372036854775807


class G:
    """A graph under construction, named like the TorchScript exporter's nodes."""

    def __init__(self, opset, steps, feat, batch="batch"):
        self.opset, self.T, self.F = opset, steps, feat
        self.nodes, self.inits, self.k = [], [], 0
        self.batch = batch

    def init(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def const(self, name, arr):
        out = name + "_output_0"
        self.nodes.append(helper.make_node("Constant", [], [out], name=name,
                                           value=numpy_helper.from_array(np.asarray(arr), name)))
        return out

    def op(self, op, inputs, name, n_out=1, **attrs):
        outs = ["%s_output_%d" % (name, i) for i in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if n_out == 1 else outs

    def axes(self, name, axes):
        return self.const(name, np.array(axes, dtype=np.int64))

    def squeeze(self, x, axes, name):
        if self.opset >= 13:
            return self.op("Squeeze", [x, self.axes(name + "/Constant", axes)], name)
        return self.op("Squeeze", [x], name, axes=axes)

    def unsqueeze(self, x, axes, name):
        if self.opset >= 13:
            return self.op("Unsqueeze", [x, self.axes(name + "/Constant", axes)], name)
        return self.op("Unsqueeze", [x], name, axes=axes)

    def zeros_state(self, prefix, x, layers_dirs, hidden, expand=False):
        """torch.zeros(num_layers*dirs, x.size(0), hidden) traced with a dynamic batch."""
        shp = self.op("Shape", [x], prefix + "/Shape")
        b = self.op("Gather", [shp, self.const(prefix + "/Constant", np.array(0, dtype=np.int64))],
                    prefix + "/Gather", axis=0)
        b1 = self.unsqueeze(b, [0], prefix + "/Unsqueeze")
        dims = self.op("Concat", [self.const(prefix + "/Constant_1", np.array([layers_dirs], dtype=np.int64)), b1,
                                  self.const(prefix + "/Constant_2", np.array([hidden], dtype=np.int64))],
                       prefix + "/Concat", axis=0)
        if expand:
            return self.op("Expand", [self.const(prefix + "/Constant_3", np.array(0.0, dtype=np.float32)), dims],
                           prefix + "/Expand")
        return self.op("ConstantOfShape", [dims], prefix + "/ConstantOfShape",
                       value=numpy_helper.from_array(np.array([0.0], dtype=np.float32)))

    def model(self, out, rank=2):
        inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, [self.batch, self.T, self.F])
        outp = helper.make_tensor_value_info(out, TensorProto.FLOAT, ["d%d" % i for i in range(rank)])
        g = helper.make_graph(self.nodes, "main_graph", [inp], [outp], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", self.opset)],
                              producer_name="pytorch", producer_version="2.5.0")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def rnd(rng, *shape, scale=0.5):
    return rng.uniform(-scale, scale, shape).astype(np.float32)


def rec(g, rng, kind, x, hidden, name, dirs=1, prefix="/rnn", zeros=None, **attrs):
    """An LSTM/GRU/RNN operator as torch writes it (weights as initializers)."""
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[kind]
    feat = g.cur_feat
    W = g.init("onnx::%s_%s_W" % (kind, name), rnd(rng, dirs, gates * hidden, feat))
    R = g.init("onnx::%s_%s_R" % (kind, name), rnd(rng, dirs, gates * hidden, hidden))
    B = g.init("onnx::%s_%s_B" % (kind, name), rnd(rng, dirs, 2 * gates * hidden))
    ins = [x, W, R, B, "", zeros or ""]
    if kind == "LSTM":
        ins.append(zeros or "")
    if kind == "GRU" and "linear_before_reset" not in attrs:
        attrs["linear_before_reset"] = 1
    g.cur_feat = hidden * dirs
    return g.op(kind, ins, name, n_out=3 if kind == "LSTM" else 2, hidden_size=hidden, **attrs)


def gemm(g, rng, x, units, name):
    W = g.init(name.strip("/").replace("/Gemm", "") + ".weight", rnd(rng, units, g.cur_feat))
    b = g.init(name.strip("/").replace("/Gemm", "") + ".bias", rnd(rng, units))
    g.cur_feat = units
    return g.op("Gemm", [x, W, b], name, alpha=1.0, beta=1.0, transB=1)


def linear3d(g, rng, x, units, prefix):
    W = g.init("onnx::MatMul_%s" % prefix.strip("/"), rnd(rng, g.cur_feat, units))
    b = g.init(prefix.strip("/") + ".bias", rnd(rng, units))
    g.cur_feat = units
    y = g.op("MatMul", [x, W], prefix + "/MatMul")
    return g.op("Add", [b, y], prefix + "/Add")


# ---- the models ----

def m_lstm_last(rng):
    g = G(14, 6, 5)
    g.cur_feat = 5
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    z = g.zeros_state("/lstm", "input", 1, 8)
    y, _, _ = rec(g, rng, "LSTM", xt, 8, "/lstm/LSTM", zeros=z)
    y = g.squeeze(y, [1], "/lstm/Squeeze")
    y = g.op("Transpose", [y], "/lstm/Transpose_1", perm=[1, 0, 2])
    y = g.op("Gather", [y, g.const("/Constant", np.array(-1, dtype=np.int64))], "/Gather", axis=1)
    y = gemm(g, rng, y, 3, "/fc/Gemm")
    return g.model(g.op("Sigmoid", [y], "/Sigmoid"))


def m_gru_stack(rng):
    g = G(17, 7, 4)
    g.cur_feat = 4
    xt = g.op("Transpose", ["input"], "/gru/Transpose", perm=[1, 0, 2])
    z = g.zeros_state("/gru", "input", 2, 6)
    z0 = g.op("Slice", [z, g.axes("/gru/Constant_4", [0]), g.axes("/gru/Constant_5", [1]), g.axes("/gru/Constant_6", [0])],
              "/gru/Slice")
    y, _ = rec(g, rng, "GRU", xt, 6, "/gru/GRU", zeros=z0)
    y = g.squeeze(y, [1], "/gru/Squeeze")
    z1 = g.op("Slice", [z, g.axes("/gru/Constant_7", [1]), g.axes("/gru/Constant_8", [2]), g.axes("/gru/Constant_9", [0])],
              "/gru/Slice_1")
    y, _ = rec(g, rng, "GRU", y, 6, "/gru/GRU_1", zeros=z1)
    y = g.squeeze(y, [1], "/gru/Squeeze_1")
    y = g.op("Transpose", [y], "/gru/Transpose_1", perm=[1, 0, 2])
    y = g.op("Slice", [y, g.axes("/Constant", [-1]), g.axes("/Constant_1", [I64MAX]), g.axes("/Constant_2", [1]),
                       g.axes("/Constant_3", [1])], "/Slice")
    y = g.squeeze(y, [1], "/Squeeze")
    y = gemm(g, rng, y, 10, "/fc1/Gemm")
    y = g.op("Relu", [y], "/relu/Relu")
    y = gemm(g, rng, y, 4, "/fc2/Gemm")
    return g.model(g.op("Softmax", [y], "/softmax/Softmax", axis=-1))


def m_gru_lbr0(rng):
    g = G(14, 5, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/gru/Transpose", perm=[1, 0, 2])
    _, yh = rec(g, rng, "GRU", xt, 5, "/gru/GRU", linear_before_reset=0)
    y = g.squeeze(yh, [0], "/Squeeze")
    return g.model(gemm(g, rng, y, 2, "/fc/Gemm"))


def m_rnn_tanh(rng):
    g = G(14, 8, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/rnn/Transpose", perm=[1, 0, 2])
    z = g.zeros_state("/rnn", "input", 1, 7, expand=True)
    _, yh = rec(g, rng, "RNN", xt, 7, "/rnn/RNN", zeros=z)
    y = g.op("Gather", [yh, g.const("/Constant", np.array(-1, dtype=np.int64))], "/Gather", axis=0)
    y = gemm(g, rng, y, 4, "/fc/Gemm")
    return g.model(g.op("Tanh", [y], "/Tanh"))


def m_rnn_relu_seq(rng):
    g = G(17, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/rnn/Transpose", perm=[1, 0, 2])
    y, _ = rec(g, rng, "RNN", xt, 6, "/rnn/RNN", activations=["Relu"])
    y = g.squeeze(y, [1], "/rnn/Squeeze")
    y = g.op("Transpose", [y], "/rnn/Transpose_1", perm=[1, 0, 2])
    y = linear3d(g, rng, y, 5, "/step")
    y = g.op("Flatten", [y], "/Flatten", axis=1)
    g.cur_feat = 5 * 4
    y = g.op("Dropout", [y], "/drop/Dropout")
    return g.model(gemm(g, rng, y, 3, "/fc/Gemm"))


def m_lstm_reverse_layout1(rng):
    g = G(17, 5, 4)
    g.cur_feat = 4
    _, yh, _ = rec(g, rng, "LSTM", "input", 6, "/lstm/LSTM", direction="reverse", layout=1)
    y = g.op("Flatten", [yh], "/Flatten", axis=1)
    return g.model(gemm(g, rng, y, 3, "/fc/Gemm"))


def m_lstm_stack_hn(rng):
    g = G(14, 6, 4)
    g.cur_feat = 4
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    y, h0, _ = rec(g, rng, "LSTM", xt, 5, "/lstm/LSTM")
    y = g.squeeze(y, [1], "/lstm/Squeeze")
    y = g.op("Identity", [y], "/lstm/Identity")
    _, h1, c1 = rec(g, rng, "LSTM", y, 5, "/lstm/LSTM_1")
    g.op("Relu", [c1], "/unused/Relu")  # a dead node on the cell state: skipped
    hn = g.op("Concat", [h0, h1], "/lstm/Concat", axis=0)
    y = g.op("Gather", [hn, g.const("/Constant", np.array(-1, dtype=np.int64))], "/Gather", axis=0)
    return g.model(gemm(g, rng, y, 2, "/fc/Gemm"))


def m_bilstm_hn(rng):
    g = G(17, 5, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    _, yh, _ = rec(g, rng, "LSTM", xt, 4, "/lstm/LSTM", dirs=2, direction="bidirectional")
    a = g.op("Gather", [yh, g.const("/Constant", np.array(-2, dtype=np.int64))], "/Gather", axis=0)
    b = g.op("Gather", [yh, g.const("/Constant_1", np.array(-1, dtype=np.int64))], "/Gather_1", axis=0)
    y = g.op("Concat", [a, b], "/Concat", axis=1)
    g.cur_feat = 8
    return g.model(gemm(g, rng, y, 2, "/fc/Gemm"))


def m_bigru_seq(rng):
    g = G(17, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/gru/Transpose", perm=[1, 0, 2])
    y, _ = rec(g, rng, "GRU", xt, 3, "/gru/GRU", dirs=2, direction="bidirectional")
    y = g.op("Transpose", [y], "/gru/Transpose_1", perm=[0, 2, 1, 3])
    y = g.op("Reshape", [y, g.const("/gru/Constant", np.array([0, 0, -1], dtype=np.int64))], "/gru/Reshape")
    y = g.op("Transpose", [y], "/gru/Transpose_2", perm=[1, 0, 2])
    y = g.op("Flatten", [y], "/Flatten", axis=1)
    g.cur_feat = 6 * 4
    return g.model(gemm(g, rng, y, 2, "/fc/Gemm"))


def m_lstm_nofold(rng):
    """do_constant_folding=False, static batch 1: PyTorch's parameters (gates i,f,g,o) sliced and
    concatenated into ONNX's order (i,o,f,c) in the graph; zero states as an initializer;
    nn.Linear on the 2-D state as MatMul of weight.t() plus Add."""
    g = G(20, 6, 3, batch=1)
    H, F = 5, 3
    wih, whh = g.init("lstm.weight_ih_l0", rnd(rng, 4 * H, F)), g.init("lstm.weight_hh_l0", rnd(rng, 4 * H, H))
    bih, bhh = g.init("lstm.bias_ih_l0", rnd(rng, 4 * H)), g.init("lstm.bias_hh_l0", rnd(rng, 4 * H))

    def reorder(p, name):
        parts = [g.op("Slice", [p, g.axes(name + "/Constant_%d" % (2 * k), [k * H]),
                                g.axes(name + "/Constant_%d" % (2 * k + 1), [(k + 1) * H]),
                                g.axes(name + "/Constant_a%d" % k, [0])], name + "/Slice_%d" % k)
                 for k in range(4)]  # i f g o
        return g.op("Concat", [parts[0], parts[3], parts[1], parts[2]], name + "/Concat", axis=0)

    W = g.unsqueeze(reorder(wih, "/lstm/w"), [0], "/lstm/Unsqueeze")
    R = g.unsqueeze(reorder(whh, "/lstm/r"), [0], "/lstm/Unsqueeze_1")
    B = g.op("Concat", [reorder(bih, "/lstm/bi"), reorder(bhh, "/lstm/bh")], "/lstm/Concat", axis=0)
    B = g.unsqueeze(B, [0], "/lstm/Unsqueeze_2")
    z = g.init("/lstm/zeros", np.zeros((1, 1, H), np.float32))
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    _, yh, _ = g.op("LSTM", [xt, W, R, B, "", z, z], "/lstm/LSTM", n_out=3, hidden_size=H)
    y = g.squeeze(yh, [0], "/Squeeze")
    wt = g.op("Transpose", [g.init("fc.weight", rnd(rng, 2, H))], "/fc/Transpose", perm=[1, 0])
    y = g.op("MatMul", [y, wt], "/fc/MatMul")
    y = g.op("Add", [y, g.init("fc.bias", rnd(rng, 2))], "/fc/Add")
    return g.model(g.op("Sigmoid", [y], "/Sigmoid"))


def m_rnn_unrolled(rng, bad=False, layers=1, act="Tanh"):
    """The dynamo exporter's nn.RNN (torch 2.x, opset 18), as torch's decomposition of
    aten.rnn_tanh/rnn_relu writes it (one_layer_rnn per layer): the input projection over the
    whole sequence, the timesteps split apart, per timestep act(h W_hh^T + b_hh + i_t) from zero
    states expanded from the batch, the states concatenated along time. (Made without torch.)"""
    g = G(18, 4, 3)
    H, T, feat = 5, 4, 3
    y = g.op("Transpose", ["input"], "node_transpose", perm=[1, 0, 2])
    hx = g.zeros_state("node_zeros", "input", layers, H, expand=True)
    for l in range(layers):
        p = "_l%d" % l
        wih = g.op("Transpose", [g.init("rnn.weight_ih" + p, rnd(rng, H, feat))], "node_t" + p, perm=[1, 0])
        pre = g.op("Add", [g.op("MatMul", [y, wih], "node_matmul" + p), g.init("rnn.bias_ih" + p, rnd(rng, H))],
                   "node_add" + p)
        whh = g.op("Transpose", [g.init("rnn.weight_hh" + p, rnd(rng, H, H))], "node_th" + p, perm=[1, 0])
        bhh = g.init("rnn.bias_hh" + p, rnd(rng, H))
        h = g.op("Gather", [hx, g.const("node_select_c" + p, np.array(l, dtype=np.int64))], "node_select" + p, axis=0)
        h = g.unsqueeze(h, [0], "node_unsqueeze" + p)
        steps = g.op("Split", [pre], "node_unbind" + p, n_out=T, axis=0, num_outputs=T)
        outs = []
        for t in range(T):
            i_t = g.squeeze(steps[t], [0], "node_getitem_%d%s" % (t, p))
            if bad and t == 2:  # not a recurrence: other weights at one timestep
                whh = g.op("Transpose", [g.init("other.weight", rnd(rng, H, H))], "node_t_2", perm=[1, 0])
            lin = g.op("Add", [g.op("MatMul", [h, whh], "node_mm_%d%s" % (t, p)), bhh], "node_linear_%d%s" % (t, p))
            h = g.op(act, [g.op("Add", [lin, i_t], "node_add_%d%s" % (t, p))], "node_act_%d%s" % (t, p))
            outs.append(h)
        y = g.op("Concat", outs, "node_cat" + p, axis=0)
        feat = H
    y = g.op("Transpose", [y], "node_transpose_1", perm=[1, 0, 2])
    y = g.op("Gather", [y, g.const("node_select_1_c", np.array(-1, dtype=np.int64))], "node_select_1", axis=1)
    g.cur_feat = H
    return g.model(gemm(g, rng, y, 2, "node_linear"))


def m_rnn_unrolled_relu2(rng):
    return m_rnn_unrolled(rng, layers=2, act="Relu")


MODELS = {
    "rnn_unrolled": (m_rnn_unrolled, True),
    "rnn_unrolled_relu2": (m_rnn_unrolled_relu2, True),
    "lstm_nofold": (m_lstm_nofold, True),
    "lstm_last": (m_lstm_last, True),
    "gru_stack": (m_gru_stack, True),
    "gru_lbr0": (m_gru_lbr0, True),
    "rnn_tanh": (m_rnn_tanh, True),
    "rnn_relu_seq": (m_rnn_relu_seq, True),
    "lstm_reverse_layout1": (m_lstm_reverse_layout1, True),
    "lstm_stack_hn": (m_lstm_stack_hn, True),
    "bilstm_hn": (m_bilstm_hn, True),
    "bigru_seq": (m_bigru_seq, True),
}


# ---- malformed and unsupported files ----

def bad_models(rng):
    out = {}
    # an operator rnnc does not read
    g = G(17, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    _, yh, _ = rec(g, rng, "LSTM", xt, 4, "/lstm/LSTM")
    y = g.squeeze(yh, [0], "/Squeeze")
    scale = g.init("ln.weight", np.ones(4, np.float32))
    bias = g.init("ln.bias", np.zeros(4, np.float32))
    out["bad_op"] = g.model(g.op("LayerNormalization", [y, scale, bias], "/ln/LayerNormalization", axis=-1))
    # out[:, -1, :] of a bidirectional LSTM: the backward direction at its first step
    g = G(17, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/lstm/Transpose", perm=[1, 0, 2])
    y, _, _ = rec(g, rng, "LSTM", xt, 4, "/lstm/LSTM", dirs=2, direction="bidirectional")
    y = g.op("Transpose", [y], "/lstm/Transpose_1", perm=[0, 2, 1, 3])
    y = g.op("Reshape", [y, g.const("/lstm/Constant", np.array([0, 0, -1], dtype=np.int64))], "/lstm/Reshape")
    y = g.op("Transpose", [y], "/lstm/Transpose_2", perm=[1, 0, 2])
    y = g.op("Gather", [y, g.const("/Constant", np.array(-1, dtype=np.int64))], "/Gather", axis=1)
    out["bad_bidir_last"] = g.model(gemm(g, rng, y, 2, "/fc/Gemm"))
    # an unrolled recurrence, as the dynamo exporter writes nn.RNN: step 0 picked from the input
    g = G(18, 3, 2)
    g.cur_feat = 2
    W = g.init("rnn.weight_ih_l0", rnd(rng, 2, 4))
    x0 = g.op("Gather", ["input", g.const("/Constant", np.array(0, dtype=np.int64))], "/Gather", axis=1)
    y = g.op("MatMul", [x0, W], "/MatMul")
    out["bad_unrolled"] = g.model(g.op("Tanh", [y], "/Tanh"))
    # a clip attribute
    g = G(14, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/gru/Transpose", perm=[1, 0, 2])
    _, yh = rec(g, rng, "GRU", xt, 4, "/gru/GRU", clip=3.0)
    out["bad_clip"] = g.model(g.squeeze(yh, [0], "/Squeeze"))
    # the whole sequence of a reverse-direction operator
    g = G(17, 4, 3)
    g.cur_feat = 3
    y, _ = rec(g, rng, "RNN", "input", 4, "/rnn/RNN", direction="reverse", layout=1)
    y = g.op("Reshape", [y, g.const("/Constant", np.array([1, 4, 4], dtype=np.int64))], "/Reshape")
    g.batch = 1
    out["bad_reverse_seq"] = g.model(linear3d(g, rng, y, 2, "/fc"), rank=3)
    out["bad_unrolled_weights"] = m_rnn_unrolled(rng, bad=True)
    # a Softmax before the last layer
    g = G(17, 4, 3)
    g.cur_feat = 3
    xt = g.op("Transpose", ["input"], "/rnn/Transpose", perm=[1, 0, 2])
    _, yh = rec(g, rng, "RNN", xt, 4, "/rnn/RNN")
    y = gemm(g, rng, g.squeeze(yh, [0], "/Squeeze"), 3, "/fc1/Gemm")
    y = g.op("Softmax", [y], "/Softmax", axis=-1)
    out["bad_softmax_mid"] = g.model(gemm(g, rng, y, 2, "/fc2/Gemm"))
    return out


# ---- the rnnc-model/1 JSON expected of the bidirectional models (the layer kind comes with
# another branch: until then tests/onnx compares rnnc's import with these trees) ----

GATES = {"LSTM": ("lstm", [0, 2, 3, 1]), "GRU": ("gru", [0, 1, 2]), "RNN": ("simple_rnn", [0])}


def keras_dir(kind, W, R, B, d, lbr):
    """ONNX W [D][G*H][F], R, B [D][2*G*H] -> Keras kernel [F][G*H] (gates i,f,c,o / z,r,h)."""
    typ, order = GATES[kind]
    H = R.shape[2]
    rows = np.concatenate([np.arange(g * H, (g + 1) * H) for g in order])
    GH = len(order) * H
    k, rk = W[d][rows].T, R[d][rows].T
    wb, rb = B[d][:GH][rows], B[d][GH:][rows]
    o = {"type": typ, "units": int(H), "activation": "tanh"}
    if typ != "simple_rnn":
        o["recurrent_activation"] = "sigmoid"
    if typ == "gru":
        o["reset_after"] = bool(lbr)
    o["kernel"] = k.astype(np.float64).tolist()
    o["recurrent_kernel"] = rk.astype(np.float64).tolist()
    if lbr:
        o["bias"] = [wb.astype(np.float64).tolist(), rb.astype(np.float64).tolist()]
    else:
        o["bias"] = (wb.astype(np.float64) + rb.astype(np.float64)).tolist()
    return o


def expected_tree(name, m, flatten_after=False):
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    dim = m.graph.input[0].type.tensor_type.shape.dim
    layers = []
    for n in m.graph.node:
        if n.op_type in GATES:
            W, R, B = (inits[i] for i in n.input[1:4])
            lbr = any(a.name == "linear_before_reset" and a.i for a in n.attribute)
            layers.append({"type": "bidirectional", "name": n.name.split("/")[1], "merge_mode": "concat",
                           "return_sequences": flatten_after,
                           "forward": keras_dir(n.op_type, W, R, B, 0, lbr),
                           "backward": keras_dir(n.op_type, W, R, B, 1, lbr)})
            if flatten_after:
                layers.append({"type": "flatten", "name": "Flatten"})
        elif n.op_type == "Gemm":
            W, b = inits[n.input[1]], inits[n.input[2]]
            layers.append({"type": "dense", "name": n.name.split("/")[1], "units": int(W.shape[0]),
                           "activation": "linear", "kernel": W.T.astype(np.float64).tolist(),
                           "bias": b.astype(np.float64).tolist()})
    return {"rnnc": 1, "name": name, "input": {"timesteps": dim[1].dim_value, "features": dim[2].dim_value},
            "precision": "ap_fixed<16,6>", "layers": layers}


def fmt(v):
    return "%.17g" % float(v)


def write_vectors(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(" ".join(fmt(v) for v in r) + "\n")


def derived_bad():
    """Malformed files derived from committed fixtures (needs only onnx and numpy): values that are
    finite as read but not once folded (found by tools/fuzz.sh as aborts, session 28)."""
    m = onnx.load(os.path.join(OUT, "lstm_last.onnx"))  # Gemm's beta NaN
    gemm_node = [n for n in m.graph.node if n.op_type == "Gemm"][0]
    [a for a in gemm_node.attribute if a.name == "beta"][0].f = float("nan")
    onnx.save(m, os.path.join(OUT, "bad_gemm_nan.onnx"))
    m = onnx.load(os.path.join(OUT, "lstm_last.onnx"))  # Gemm's alpha infinite
    gemm_node = [n for n in m.graph.node if n.op_type == "Gemm"][0]
    [a for a in gemm_node.attribute if a.name == "alpha"][0].f = float("inf")
    onnx.save(m, os.path.join(OUT, "bad_gemm_inf.onnx"))
    # the LSTM's bias as doubles near the largest: each finite, the two halves' sum is not
    m = onnx.load(os.path.join(OUT, "lstm_last.onnx"))
    b = [t for t in m.graph.initializer if t.name.endswith("_B")][0]
    b.CopyFrom(numpy_helper.from_array(np.full(tuple(b.dims), 1e308, np.float64), b.name))
    onnx.save(m, os.path.join(OUT, "bad_bias_sum.onnx"))
    # the Gemm's weights a Mul of two constants whose product overflows
    m = onnx.load(os.path.join(OUT, "lstm_last.onnx"))
    w = [t for t in m.graph.initializer if t.name == "fc.weight"][0]
    m.graph.initializer.remove(w)
    m.graph.initializer.extend([numpy_helper.from_array(np.full(tuple(w.dims), 1e200, np.float64), "fc.weight_a"),
                                numpy_helper.from_array(np.array(1e200, np.float64), "fc.weight_b")])
    m.graph.node.insert(0, helper.make_node("Mul", ["fc.weight_a", "fc.weight_b"], ["fc.weight"], name="/fc/Mul"))
    onnx.save(m, os.path.join(OUT, "bad_const_mul.onnx"))


def main():
    if sys.argv[1:] == ["--derived"]:
        derived_bad()
        return
    import onnxruntime as ort  # here: --derived needs none
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261202)
    for name, (build, _) in MODELS.items():
        mrng = np.random.default_rng(zlib.crc32(name.encode()))  # per model: adding one changes no other
        m = build(mrng)
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(m, path)
        inp = m.graph.input[0].type.tensor_type.shape.dim
        T, F = inp[1].dim_value, inp[2].dim_value
        x = mrng.uniform(-1.0, 1.0, (N_SEQ, T, F)).astype(np.float32)
        try:
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        except Exception:  # onnxruntime has no layout=1: the onnx package's reference evaluator
            sess = ReferenceEvaluator(m)
        y = np.concatenate([sess.run(None, {"input": x[i:i + 1]})[0].reshape(1, -1) for i in range(N_SEQ)])
        write_vectors(os.path.join(OUT, name + ".in.txt"), x.reshape(N_SEQ, -1))
        write_vectors(os.path.join(OUT, name + ".out.txt"), y)
    for name in ("bilstm_hn", "bigru_seq"):
        m = onnx.load(os.path.join(OUT, name + ".onnx"))
        with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
            json.dump(expected_tree(name, m, flatten_after=name == "bigru_seq"), f, indent=1)
    for name, m in bad_models(rng).items():
        onnx.save(m, os.path.join(OUT, name + ".onnx"))
    good = open(os.path.join(OUT, "lstm_last.onnx"), "rb").read()
    with open(os.path.join(OUT, "bad_truncated.onnx"), "wb") as f:
        f.write(good[: len(good) // 2])
    m = onnx.load(os.path.join(OUT, "lstm_last.onnx"))  # timesteps not fixed: needs --timesteps 6
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "seq"
    onnx.save(m, os.path.join(OUT, "bad_dynt.onnx"))
    with open(os.path.join(OUT, "bad_text.onnx"), "w") as f:
        f.write("this is not an ONNX model\n")
    derived_bad()


if __name__ == "__main__":
    main()
