/* onnx.c: ONNX models (PyTorch's torch.onnx.export) -> the rnnc-model/1 JSON tree -> parse_model
 * (docs/pytorch.md).
 *
 * The protobuf is read by libprotobuf-c with the schema subset compiler/onnx.proto (C generated
 * at build time into build/onnx/). The graph is followed from its one input through the nodes in
 * their (topological) order: every value is either a constant (initializers, Constant nodes and
 * the shape arithmetic exporters write, evaluated here with the batch size 1) or data derived
 * from the input, whose axes are tracked by meaning: T (time), F (features), D (directions of a
 * recurrent operator), 1 (size one: batch and the like). Layout operators (Transpose, Squeeze,
 * Reshape, Gather/Slice of the last timestep ...) move those axes; LSTM, GRU, RNN, Gemm,
 * MatMul(+Add), activations and Flatten become rnnc layers, each taking the previous one's
 * output: one chain. Anything else is an error naming the node, its op type and what is
 * supported. */
#define _POSIX_C_SOURCE 200809L
#include "rnnc.h"

#include "onnx.pb-c.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SNPRINTF(...) ((void)(snprintf(__VA_ARGS__) < 0))
#define MAXR 8
#define MAX_DIM RNNC_MAX_DIM
#define MAX_ELEMS (4 * RNNC_MAX_WEIGHTS)    /* values of one constant */

typedef RnncOnnx__NodeProto Node;
typedef RnncOnnx__TensorProto OxTensor;
typedef RnncOnnx__AttributeProto Attr;

typedef struct { int prod, dir; } Part;   /* prod: the rnnc layer (-1: the model input); dir 1: backward */

typedef enum { V_UNSET, V_CONST, V_DATA, V_CELL } VKind;
enum { ST_NONE, ST_INPUT, ST_REC, ST_PRE, ST_STATE }; /* stages of an unrolled recurrence */

typedef struct Val {
    VKind kind;
    /* constants */
    double *v;
    long n;
    int rank;
    long d[MAXR];
    /* data: the axes' meanings ('T', 'F', 'D', '1'); the feature content; the D entries */
    char ax[MAXR];
    int feat, np, nd;
    Part part[2];
    Part dent[MAXR];
    bool direct;        /* the unchanged output of the last layer (a dense: activations fold in) */
    /* an unrolled recurrence (the dynamo exporter's nn.RNN): one timestep's value, its stage, the
     * pending bias in v[0..n) and the recurrent weights */
    int step, stage;
    const struct Val *w;
} Val;

typedef struct OLayer {
    const char *type;   /* rnnc type */
    char name[RNNC_NAME_MAX];
    int units, in_feat, gates;
    ActKind act, ract;
    bool reset_after, back, rs, rs_set, has_bias;
    double *k, *rk, *b, *rb;
    struct OLayer *fw, *bw;     /* bidirectional: the two directions */
    bool unrolled;              /* a simple_rnn recognised from an unrolled recurrence ... */
    double *ubias;              /* ... and the bias its timesteps add (the same in each) */
    const Node *node, *act_node; /* the node it comes from; the Softmax folded into it */
} OLayer;

typedef struct {
    const char *file;
    RnncOnnx__GraphProto *g;
    int opset;
    const Node *node;
    const char **names;
    Val *vals;
    int nv, cap;
    OLayer *L;
    int nl, steps;
} Ox;

static const char supported_ops[] =
    "LSTM, GRU, RNN, Gemm, MatMul (+ Add), Relu, Sigmoid, Tanh, Softmax, Flatten, Reshape, Transpose, "
    "Squeeze, Unsqueeze, Slice, Gather, Concat, Identity, Dropout, and shape arithmetic on constants "
    "(Constant, Shape, ConstantOfShape, Expand, Cast, Add, Sub, Mul, Div)";

/* ---- errors ---- */

static _Noreturn void oerr(const Ox *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void oerr(const Ox *o, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (o->node)
        user_error(o->file, "node '%.80s' (%.40s): %s", o->node->name && *o->node->name ? o->node->name : "(unnamed)",
                   o->node->op_type ? o->node->op_type : "?", msg);
    user_error(o->file, "%s", msg);
}

/* ---- values ---- */

static Val *find(const Ox *o, const char *name)
{
    for (int i = o->nv - 1; i >= 0; i--)
        if (!strcmp(o->names[i], name)) return &o->vals[i];
    return NULL;
}

static Val *define(Ox *o, const char *name)
{
    if (o->nv == o->cap) BUG("more values than counted"); /* sized once: Val pointers stay valid */
    o->names[o->nv] = name;
    memset(&o->vals[o->nv], 0, sizeof o->vals[0]);
    return &o->vals[o->nv++];
}

static int nin(const Node *n, int i) { return i < (int)n->n_input && n->input[i][0]; }

static Val *in_val(const Ox *o, int i)
{
    if (!nin(o->node, i)) oerr(o, "input %d is missing", i);
    Val *v = find(o, o->node->input[i]);
    if (!v) oerr(o, "input '%.80s' is computed by no earlier node (the graph is not in order, or uses a "
                    "value rnnc does not follow)", o->node->input[i]);
    if (v->kind == V_CELL) oerr(o, "uses an LSTM's final cell state (Y_c), which rnnc does not support");
    return v;
}

static Val *in_const(const Ox *o, int i, const char *what)
{
    Val *v = in_val(o, i);
    if (v->kind != V_CONST)
        oerr(o, "%s ('%.80s') is computed from the model input; rnnc needs it constant", what, o->node->input[i]);
    return v;
}

static Val *in_data(const Ox *o, int i)
{
    Val *v = in_val(o, i);
    if (v->kind != V_DATA) oerr(o, "input %d ('%.80s') is a constant; expected the data", i, o->node->input[i]);
    return v;
}

static Val *out_val(Ox *o, int i)
{
    if (i >= (int)o->node->n_output || !o->node->output[i][0]) return NULL;
    return define(o, o->node->output[i]);
}

static long dim_size(const Ox *o, const Val *v, int a)
{
    switch (v->ax[a]) {
    case 'T': return o->steps;
    case 'F': return v->feat;
    case 'D': return v->nd;
    default: return 1;
    }
}

/* The number of elements of dimensions d, each checked (a user error when out of range). */
static long elems(const Ox *o, int rank, const long *d)
{
    long n = 1;
    if (rank < 0 || rank > MAXR) oerr(o, "a tensor of rank %d; at most %d supported", rank, MAXR);
    for (int i = 0; i < rank; i++) {
        if (d[i] < 0 || d[i] > MAX_ELEMS) oerr(o, "a dimension of %ld", d[i]);
        n *= d[i];
        if (n > MAX_ELEMS) oerr(o, "a tensor of more than %ld values", MAX_ELEMS);
    }
    return n;
}

static void new_const(const Ox *o, Val *v, int rank, const long *d)
{
    v->kind = V_CONST;
    v->rank = rank;
    v->n = elems(o, rank, d);
    for (int i = 0; i < rank; i++) v->d[i] = d[i];
    v->v = calloc((size_t)(v->n ? v->n : 1), sizeof *v->v);
    if (!v->v) BUG("out of memory");
}

/* ---- attributes ---- */

static const Attr *attr(const Node *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && !strcmp(n->attribute[i]->name, name)) return n->attribute[i];
    return NULL;
}

static long attr_int(const Node *n, const char *name, long dflt)
{
    const Attr *a = attr(n, name);
    return a && a->has_i ? (long)a->i : dflt;
}

static double attr_float(const Node *n, const char *name, double dflt)
{
    const Attr *a = attr(n, name);
    return a && a->has_f ? a->f : dflt;
}

static bool attr_str(const Node *n, const char *name, char *out, size_t len)
{
    const Attr *a = attr(n, name);
    if (!a || !a->has_s) return false;
    size_t k = a->s.len < len - 1 ? a->s.len : len - 1;
    memcpy(out, a->s.data, k);
    out[k] = 0;
    return true;
}

/* ---- tensors ---- */

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t x = 0;
    for (int i = n - 1; i >= 0; i--) x = x << 8 | p[i];
    return x;
}

static void tensor_val(const Ox *o, const OxTensor *t, Val *v, const char *what)
{
    if (t->has_data_location && t->data_location == 1)
        oerr(o, "%s '%.80s' keeps its data in an external file; export with the weights inside the .onnx "
                "(torch.onnx.export(..., external_data=False))", what,
             t->name ? t->name : "");
    if ((int)t->n_dims > MAXR) oerr(o, "%s '%.80s' has rank %d, at most %d supported", what, t->name ? t->name : "", (int)t->n_dims, MAXR);
    long d[MAXR], n = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || t->dims[i] > MAX_ELEMS) oerr(o, "%s '%.80s' has a bad dimension", what, t->name ? t->name : "");
        d[i] = (long)t->dims[i];
        n *= d[i];
        if (n > MAX_ELEMS) oerr(o, "%s '%.80s' is too large", what, t->name ? t->name : "");
    }
    new_const(o, v, (int)t->n_dims, d);
    int dt = t->data_type, size;
    switch (dt) {
    case 1: case 6: case 12: size = 4; break;   /* float, int32, uint32 */
    case 7: case 11: case 13: size = 8; break;  /* int64, double, uint64 */
    case 2: case 3: case 9: size = 1; break;    /* uint8, int8, bool */
    case 4: case 5: size = 2; break;            /* uint16, int16 */
    default:
        oerr(o, "%s '%.80s' has data type %d; supported: float, double and integers (export in float32)", what,
             t->name ? t->name : "", dt);
    }
    long have = t->has_raw_data ? (long)(t->raw_data.len / (size_t)size)
              : dt == 1 ? (long)t->n_float_data : dt == 11 ? (long)t->n_double_data
              : dt == 7 ? (long)t->n_int64_data : dt == 13 ? (long)t->n_int64_data : (long)t->n_int32_data;
    if (have != n || (t->has_raw_data && t->raw_data.len != (size_t)n * (size_t)size))
        oerr(o, "%s '%.80s' holds %ld values, its dimensions say %ld", what, t->name ? t->name : "", have, n);
    for (long i = 0; i < n; i++) {
        double x;
        if (t->has_raw_data) {
            uint64_t u = le_bytes(t->raw_data.data + (size_t)i * (size_t)size, size);
            if (dt == 1) { uint32_t w = (uint32_t)u; float f; memcpy(&f, &w, 4); x = f; }
            else if (dt == 11) { double f; memcpy(&f, &u, 8); x = f; }
            else if (dt == 7) x = (double)(int64_t)u;
            else if (dt == 6) x = (int32_t)(uint32_t)u;
            else if (dt == 3) x = (int8_t)(uint8_t)u;
            else if (dt == 5) x = (int16_t)(uint16_t)u;
            else x = (double)u;
        } else {
            x = dt == 1 ? t->float_data[i] : dt == 11 ? t->double_data[i]
              : (dt == 7 || dt == 13) ? (double)t->int64_data[i] : t->int32_data[i];
        }
        if (!isfinite(x)) oerr(o, "%s '%.80s' holds a value that is not finite", what, t->name ? t->name : "");
        v->v[i] = x;
    }
}

/* A constant's values as integers (shapes, axes, indices). */
static long ci(const Val *v, long i)
{
    double x = v->v[i];
    return x >= 9e18 ? (long)9e18 : x <= -9e18 ? -(long)9e18 : (long)x;
}

static bool all_zero(const Val *v)
{
    for (long i = 0; i < v->n; i++)
        if (v->v[i] != 0) return false;
    return true;
}

static OLayer *latest(Ox *o) { return o->nl ? &o->L[o->nl - 1] : NULL; }

/* unrolled recurrences (their section below) */
static void const_matmul(Ox *o, const Val *a, const Val *b);
static bool unroll_step(Ox *o, Val *v, long idx);
static void unroll_matmul(Ox *o, const Val *h, const Val *U);
static void unroll_add(Ox *o);
static void unroll_state(Ox *o, const Val *x, ActKind act);
static void unroll_concat(Ox *o, const Val *x, int a);

/* ---- constants: what exporters compute from shapes (batch size 1) ---- */

static int norm_axis(const Ox *o, long a, int rank)
{
    if (a < 0) a += rank;
    if (a < 0 || a >= rank) oerr(o, "axis %ld is out of range for rank %d", a, rank);
    return (int)a;
}

/* Elementwise Add/Sub/Mul/Div of two constants (equal shapes, or one of a single value). */
static void const_binary(Ox *o, const char *op)
{
    const Val *a = in_const(o, 0, "operand"), *b = in_const(o, 1, "operand");
    const Val *big = a->n >= b->n ? a : b;
    if (a->n != b->n && a->n != 1 && b->n != 1) oerr(o, "broadcasting between shapes is not supported on constants");
    Val *r = out_val(o, 0);
    if (!r) return;
    new_const(o, r, big->rank, big->d);
    for (long i = 0; i < r->n; i++) {
        double x = a->v[a->n == 1 ? 0 : i], y = b->v[b->n == 1 ? 0 : i];
        r->v[i] = op[0] == 'A' ? x + y : op[0] == 'S' ? x - y : op[0] == 'M' ? x * y : y != 0 ? x / y : 0;
        if (op[0] == 'D' && floor(x) == x && floor(y) == y) r->v[i] = trunc(r->v[i]);
        if (!isfinite(r->v[i])) oerr(o, "%s of two constants overflows (%g and %g)", op, x, y);
    }
}

static void const_gather(Ox *o, const Val *x, const Val *idx, int axis)
{
    Val *r = out_val(o, 0);
    if (!r) return;
    long d[MAXR] = {0};
    int rank = 0;
    for (int i = 0; i < axis; i++) d[rank++] = x->d[i];
    for (int i = 0; i < idx->rank; i++) d[rank++] = idx->d[i];
    for (int i = axis + 1; i < x->rank; i++) d[rank++] = x->d[i];
    if (rank > MAXR) oerr(o, "the result has too many dimensions");
    new_const(o, r, rank, d);
    long outer = 1, inner = 1;
    for (int i = 0; i < axis; i++) outer *= x->d[i];
    for (int i = axis + 1; i < x->rank; i++) inner *= x->d[i];
    long k = 0;
    for (long a = 0; a < outer; a++)
        for (long j = 0; j < idx->n; j++) {
            long ix = ci(idx, j);
            if (ix < 0) ix += x->d[axis];
            if (ix < 0 || ix >= x->d[axis]) oerr(o, "index %ld is out of range", ci(idx, j));
            for (long b = 0; b < inner; b++) r->v[k++] = x->v[(a * x->d[axis] + ix) * inner + b];
        }
}

/* Slice's starts/ends/axes/steps, from inputs (opset >= 10) or attributes. */
typedef struct { long start, end, step; int axis; } Sl;

static int slice_args(Ox *o, int rank, const long *dims, Sl *s)
{
    const Node *n = o->node;
    const Attr *as = attr(n, "starts"), *ae = attr(n, "ends"), *aa = attr(n, "axes");
    long cnt;
    const Val *st = NULL, *en = NULL, *ax = NULL, *sp = NULL;
    if (as) {
        cnt = (long)as->n_ints;
        if (!ae || (long)ae->n_ints != cnt) oerr(o, "starts and ends differ in length");
    } else {
        st = in_const(o, 1, "starts");
        en = in_const(o, 2, "ends");
        if (nin(n, 3)) ax = in_const(o, 3, "axes");
        if (nin(n, 4)) sp = in_const(o, 4, "steps");
        cnt = st->n;
        if (en->n != cnt || (ax && ax->n != cnt) || (sp && sp->n != cnt)) oerr(o, "starts, ends, axes differ in length");
    }
    if (cnt < 1 || cnt > rank) oerr(o, "slices %ld axes of a rank-%d tensor", cnt, rank);
    for (long i = 0; i < cnt; i++) {
        long a = as ? (aa && (long)aa->n_ints == cnt ? (long)aa->ints[i] : i) : ax ? ci(ax, i) : i;
        s[i].axis = norm_axis(o, a, rank);
        long D = dims[s[i].axis];
        double b = as ? (double)as->ints[i] : st->v[i], e = as ? (double)ae->ints[i] : en->v[i];
        s[i].step = sp ? ci(sp, i) : 1;
        if (s[i].step != 1) oerr(o, "a step other than 1 is not supported");
        if (b < 0) b += D;
        if (e < 0) e += D;
        b = b < 0 ? 0 : b > D ? D : b;
        e = e < 0 ? 0 : e > D ? D : e;
        s[i].start = (long)b;
        s[i].end = (long)e > (long)b ? (long)e : (long)b;
    }
    return (int)cnt;
}

static void const_slice(Ox *o, const Val *x)
{
    Sl s[MAXR];
    int cnt = slice_args(o, x->rank, x->d, s);
    long lo[MAXR], d[MAXR];
    for (int i = 0; i < x->rank; i++) lo[i] = 0, d[i] = x->d[i];
    for (int k = 0; k < cnt; k++) lo[s[k].axis] = s[k].start, d[s[k].axis] = s[k].end - s[k].start;
    Val *r = out_val(o, 0);
    if (!r) return;
    new_const(o, r, x->rank, d);
    for (long i = 0; i < r->n; i++) {
        long rem = i, src = 0, stride = 1;
        for (int a = x->rank - 1; a >= 0; a--) {
            src += (lo[a] + rem % d[a]) * stride;
            rem /= d[a];
            stride *= x->d[a];
        }
        r->v[i] = x->v[src];
    }
}

static void const_concat(Ox *o)
{
    const Val *x = in_const(o, 0, "a Concat input");
    int a = norm_axis(o, attr_int(o->node, "axis", 0), x->rank > 0 ? x->rank : 1);
    long d[MAXR], outer = 1, inner = 1;
    for (int i = 0; i < x->rank; i++) d[i] = x->d[i];
    if (x->rank == 0) oerr(o, "concatenates scalars");
    d[a] = 0;
    for (int k = 0; k < (int)o->node->n_input; k++) {
        const Val *v = in_const(o, k, "a Concat input");
        bool same = v->rank == x->rank;
        for (int i = 0; same && i < x->rank; i++) same = i == a || v->d[i] == x->d[i];
        if (!same) oerr(o, "concatenates constants of different shapes");
        d[a] += v->d[a];
    }
    for (int i = 0; i < a; i++) outer *= x->d[i];
    for (int i = a + 1; i < x->rank; i++) inner *= x->d[i];
    Val *r = out_val(o, 0);
    if (!r) return;
    new_const(o, r, x->rank, d);
    long at = 0;
    for (long b = 0; b < outer; b++)
        for (int k = 0; k < (int)o->node->n_input; k++) {
            const Val *v = find(o, o->node->input[k]);
            long chunk = v->d[a] * inner;
            memcpy(r->v + at, v->v + b * chunk, (size_t)chunk * sizeof *r->v);
            at += chunk;
        }
}

static void const_transpose(Ox *o, const Val *x, const int *perm)
{
    long d[MAXR], stride[MAXR];
    for (int i = 0; i < x->rank; i++) d[i] = x->d[perm[i]];
    stride[x->rank - 1] = 1;
    for (int i = x->rank - 2; i >= 0; i--) stride[i] = stride[i + 1] * x->d[i + 1];
    Val *r = out_val(o, 0);
    if (!r) return;
    new_const(o, r, x->rank, d);
    for (long i = 0; i < r->n; i++) {
        long rem = i, src = 0;
        for (int a = x->rank - 1; a >= 0; a--) {
            src += (rem % d[a]) * stride[perm[a]];
            rem /= d[a];
        }
        r->v[i] = x->v[src];
    }
}

/* Reshape/Squeeze/Unsqueeze/Expand/Flatten of a constant: the values kept, new dimensions. */
static void const_reshaped(Ox *o, const Val *x, int rank, const long *d)
{
    long n = elems(o, rank, d);
    Val *r = out_val(o, 0);
    if (!r) return;
    if (n == x->n) {
        new_const(o, r, rank, d);
        memcpy(r->v, x->v, (size_t)n * sizeof *r->v);
        return;
    }
    for (long i = 1; i < x->n; i++)
        if (x->v[i] != x->v[0]) oerr(o, "expanding a constant that is not one repeated value is not supported");
    if (n > MAX_ELEMS) oerr(o, "the result is too large");
    new_const(o, r, rank, d);
    for (long i = 0; i < n; i++) r->v[i] = x->n ? x->v[0] : 0;
}

static void op_constant(Ox *o)
{
    const Node *n = o->node;
    Val *r = out_val(o, 0);
    if (!r) return;
    const Attr *a;
    if ((a = attr(n, "value")) && a->t) {
        tensor_val(o, a->t, r, "the value");
    } else if ((a = attr(n, "value_float")) && a->has_f) {
        new_const(o, r, 0, NULL);
        r->v[0] = a->f;
    } else if ((a = attr(n, "value_int")) && a->has_i) {
        new_const(o, r, 0, NULL);
        r->v[0] = (double)a->i;
    } else if ((a = attr(n, "value_ints")) || (a = attr(n, "value_floats"))) {
        long k = a->n_ints ? (long)a->n_ints : (long)a->n_floats;
        new_const(o, r, 1, &k);
        for (long i = 0; i < k; i++) r->v[i] = a->n_ints ? (double)a->ints[i] : a->floats[i];
    } else {
        oerr(o, "a Constant without a supported value (value, value_float(s), value_int(s))");
    }
}

/* ---- data: axes moved by layout operators ---- */

static const char *axes_text(const Val *v, char *buf, size_t len)
{
    size_t k = 0;
    buf[k++] = '[';
    for (int i = 0; i < v->rank && k + 4 < len; i++) {
        if (i) buf[k++] = ',';
        buf[k++] = v->ax[i] == 'T' ? 'T' : v->ax[i] == 'F' ? 'F' : v->ax[i] == 'D' ? 'D' : '1';
    }
    buf[k++] = ']';
    buf[k] = 0;
    return buf;
}

/* A copy of x's pending bias (unrolled recurrences), else NULL. */
static double *dup_v(const Val *x)
{
    if (x->kind != V_DATA || !x->v) return NULL;
    double *v = calloc((size_t)x->n, sizeof *v);
    if (!v) BUG("out of memory");
    memcpy(v, x->v, (size_t)x->n * sizeof *v);
    return v;
}

static Val *data_out(Ox *o, const Val *x)
{
    Val *r = out_val(o, 0);
    if (r) {
        *r = *x;
        r->v = dup_v(x);
    }
    return r;
}

/* Remove axis a (of size one). A D axis of one entry leaves its entry as the features' content. */
static void drop_axis(Ox *o, Val *v, int a)
{
    if (dim_size(o, v, a) != 1 && !(v->ax[a] == 'D' && v->nd == 1))
        oerr(o, "removes axis %d, which has size %ld (axes: T time, F features, D directions)", a, dim_size(o, v, a));
    if (v->ax[a] == 'D') {
        v->np = 1;
        v->part[0] = v->dent[0];
        v->nd = 0;
    }
    if (v->ax[a] == 'T') oerr(o, "removes the time axis of a one-timestep sequence; not supported");
    memmove(v->ax + a, v->ax + a + 1, (size_t)(v->rank - a - 1));
    v->rank--;
}

static void op_shape(Ox *o)
{
    const Val *x = in_val(o, 0);
    long d[MAXR] = {0};
    int rank = x->rank;
    for (int i = 0; i < rank; i++) d[i] = x->kind == V_CONST ? x->d[i] : dim_size(o, x, i);
    long s = attr_int(o->node, "start", 0), e = attr_int(o->node, "end", rank);
    if (s < 0) s += rank;
    if (e < 0) e += rank;
    s = s < 0 ? 0 : s > rank ? rank : s;
    e = e < s ? s : e > rank ? rank : e;
    Val *r = out_val(o, 0);
    if (!r) return;
    long k = e - s;
    new_const(o, r, 1, &k);
    for (long i = 0; i < k; i++) r->v[i] = (double)d[s + i];
}

static void op_transpose(Ox *o)
{
    const Val *x = in_val(o, 0);
    const Attr *p = attr(o->node, "perm");
    int rank = x->rank;
    if (p && (int)p->n_ints != rank) oerr(o, "perm has %d entries for a rank-%d input", (int)p->n_ints, rank);
    int perm[MAXR];
    bool seen[MAXR] = {0};
    for (int i = 0; i < rank; i++) {
        perm[i] = p ? norm_axis(o, (long)p->ints[i], rank) : rank - 1 - i;
        if (seen[perm[i]]) oerr(o, "perm is not a permutation");
        seen[perm[i]] = true;
    }
    if (x->kind == V_CONST) {
        const_transpose(o, x, perm);
        return;
    }
    Val *r = data_out(o, x);
    if (r)
        for (int i = 0; i < rank; i++) r->ax[i] = x->ax[perm[i]];
}

/* The axes operand of Squeeze/Unsqueeze: an attribute (opset < 13) or input 1. */
static int axes_arg(Ox *o, long *axes, bool required)
{
    const Attr *a = attr(o->node, "axes");
    if (a) {
        if ((int)a->n_ints > MAXR) oerr(o, "too many axes");
        for (size_t i = 0; i < a->n_ints; i++) axes[i] = (long)a->ints[i];
        return (int)a->n_ints;
    }
    if (!nin(o->node, 1)) {
        if (required) oerr(o, "has no axes");
        return -1;
    }
    const Val *v = in_const(o, 1, "axes");
    if (v->n > MAXR) oerr(o, "too many axes");
    for (long i = 0; i < v->n; i++) axes[i] = ci(v, i);
    return (int)v->n;
}

static void op_squeeze(Ox *o)
{
    const Val *x = in_val(o, 0);
    long axes[MAXR];
    int na = axes_arg(o, axes, false);
    bool drop[MAXR] = {0};
    for (int i = 0; i < na; i++) drop[norm_axis(o, axes[i], x->rank)] = true;
    if (na < 0)
        for (int i = 0; i < x->rank; i++)
            drop[i] = x->kind == V_CONST ? x->d[i] == 1 : dim_size(o, x, i) == 1 && x->ax[i] != 'T';
    if (x->kind == V_CONST) {
        long d[MAXR];
        int rank = 0;
        for (int i = 0; i < x->rank; i++)
            if (!drop[i]) d[rank++] = x->d[i];
        const_reshaped(o, x, rank, d);
        return;
    }
    Val *r = data_out(o, x);
    if (!r) return;
    for (int i = x->rank - 1; i >= 0; i--)
        if (drop[i]) drop_axis(o, r, i);
}

static void op_unsqueeze(Ox *o)
{
    const Val *x = in_val(o, 0);
    long axes[MAXR];
    int na = axes_arg(o, axes, true), rank = x->rank + na;
    if (rank > MAXR) oerr(o, "the result has too many dimensions");
    bool ins[MAXR] = {0};
    for (int i = 0; i < na; i++) ins[norm_axis(o, axes[i], rank)] = true;
    long d[MAXR] = {0};
    char ax[MAXR];
    for (int i = 0, j = 0; i < rank; i++) {
        d[i] = ins[i] ? 1 : x->d[j];
        ax[i] = ins[i] ? '1' : x->ax[j];
        j += !ins[i];
    }
    if (x->kind == V_CONST) {
        const_reshaped(o, x, rank, d);
        return;
    }
    Val *r = data_out(o, x);
    if (!r) return;
    memcpy(r->ax, ax, sizeof ax);
    r->rank = rank;
}

/* ---- layers ---- */

static bool is_rec(const OLayer *L) { return L->rk || L->fw; }

/* The data input of a new layer (or the model output): the last layer's output, its axes
 * [T, F] or [F] after dropping the size-one ones. The last layer, when recurrent, learns from
 * this whether it returns its sequence. Returns whether the input is a sequence. */
static bool consume(Ox *o, const Val *v)
{
    char b[40];
    if (v->stage && (v->stage != ST_STATE || v->step != o->steps))
        oerr(o, "uses a value inside an unrolled recurrence (timestep %d) rnnc cannot follow; supported: the "
                "concatenated states or the final one", v->step - 1);
    Val w = *v;
    for (int i = w.rank - 1; i >= 0; i--)
        if (w.ax[i] == 'D' && w.nd == 1) drop_axis(o, &w, i);
    int t = -1, f = -1, k = 0;
    for (int i = 0; i < w.rank; i++) {
        if (w.ax[i] == 'T') t = k++;
        else if (w.ax[i] == 'F') f = k++;
        else if (w.ax[i] == 'D')
            oerr(o, "the two directions of a bidirectional operator are not joined here (expected a Concat, or a "
                    "Transpose and Reshape, of the forward and backward outputs)");
    }
    if (f < 0 || t > f)
        oerr(o, "its data input has the axes %s (T time, F features, D directions, 1 size one); expected [T, F] "
                "or [F] apart from size-one axes", axes_text(v, b, sizeof b));
    OLayer *L = latest(o);
    for (int i = 0; i < w.np; i++)
        if (w.part[i].prod != o->nl - 1)
            oerr(o, "takes the output of a layer before the last one: rnnc supports a chain of layers (no branches "
                    "or skips)");
    if (L && L->fw) {
        if (w.np != 2 || w.part[0].dir != 0 || w.part[1].dir != 1)
            oerr(o, "uses one direction of a bidirectional operator alone; supported: both, concatenated forward "
                    "first");
    } else if (w.np != 1) {
        oerr(o, "concatenates outputs rnnc cannot follow (only the two directions of one bidirectional operator)");
    }
    if (L && is_rec(L)) {
        bool rs = t >= 0;
        if (rs && !L->fw && L->back)
            oerr(o, "uses the whole output sequence of a reverse-direction operator, which ONNX gives in input "
                    "order (rnnc's go_backwards returns it reversed): only its final state is supported");
        if (L->rs_set && L->rs != rs)
            oerr(o, "uses both the output sequence and the final state of a recurrent operator");
        L->rs = rs;
        L->rs_set = true;
    }
    return t >= 0;
}

static void layer_name(Ox *o, char *out, const char *type)
{
    char base[160], fb[40];
    const char *nm = o->node->name ? o->node->name : "";
    SNPRINTF(base, sizeof base, "%s", nm);
    char *slash = strrchr(base, '/');
    if (slash && slash != base && o->node->op_type && !strncmp(slash + 1, o->node->op_type, strlen(o->node->op_type)))
        *slash = 0;
    SNPRINTF(fb, sizeof fb, "%s_%d", type, o->nl);
    safe_name(base, fb, out);
    char stem[RNNC_NAME_MAX];
    memcpy(stem, out, sizeof stem);
    stem[34] = 0;
    for (int k = 2;; k++) {
        bool dup = false;
        for (int j = 0; j < o->nl; j++) dup |= !strcmp(o->L[j].name, out);
        if (!dup) break;
        char t[RNNC_NAME_MAX + 16];
        SNPRINTF(t, sizeof t, "%s_%d", stem, k);
        t[RNNC_NAME_MAX - 1] = 0;
        memcpy(out, t, RNNC_NAME_MAX);
    }
}

static OLayer *new_layer(Ox *o, const char *type, int in_feat)
{
    if (o->nl >= RNNC_MAX_LAYERS) oerr(o, "more than %d layers", RNNC_MAX_LAYERS);
    o->L = realloc(o->L, (size_t)(o->nl + 1) * sizeof *o->L);
    if (!o->L) BUG("out of memory");
    OLayer *L = &o->L[o->nl];
    memset(L, 0, sizeof *L);
    L->type = type;
    L->in_feat = in_feat;
    L->act = ACT_LINEAR;
    L->node = o->node;
    layer_name(o, L->name, type);
    o->nl++;
    return L;
}

/* The output value of the layer just made: the input's axes, features = units. */
static void layer_out(Ox *o, const Val *x, int units)
{
    Val *r = data_out(o, x);
    if (!r) return;
    for (int i = 0; i < r->rank; i++)
        if (r->ax[i] == 'D') r->ax[i] = '1';
    r->nd = 0;
    r->np = 1;
    r->part[0] = (Part){o->nl - 1, 0};
    r->feat = units;
    r->direct = true;
}

static double *dalloc(long n)
{
    double *p = calloc((size_t)(n ? n : 1), sizeof *p);
    if (!p) BUG("out of memory");
    return p;
}

/* A dense layer: W [in][out] (or [out][in] when transposed) times alpha; bias C times beta. */
static void dense(Ox *o, const Val *x, const Val *W, bool trans, double alpha, const Val *C, double beta)
{
    if (W->rank != 2) oerr(o, "the weights have rank %d, expected 2", W->rank);
    long in = trans ? W->d[1] : W->d[0], out = trans ? W->d[0] : W->d[1];
    consume(o, x);
    if (in != x->feat) oerr(o, "the weights expect %ld input features, the input has %d", in, x->feat);
    if (out < 1 || out > MAX_DIM) oerr(o, "%ld output features; 1..%d supported", out, MAX_DIM);
    OLayer *L = new_layer(o, "dense", (int)in);
    L->units = (int)out;
    L->gates = 1;
    L->k = dalloc(in * out);
    L->b = dalloc(out);
    for (long i = 0; i < in; i++)
        for (long j = 0; j < out; j++) {
            L->k[i * out + j] = alpha * W->v[trans ? j * in + i : i * out + j];
            if (!isfinite(L->k[i * out + j])) oerr(o, "alpha (%g) times the weights is not finite", alpha);
        }
    if (C) {
        if (C->n != out && C->n != 1) oerr(o, "the bias has %ld values, expected %ld", C->n, out);
        for (long j = 0; j < out; j++) {
            L->b[j] = beta * C->v[C->n == 1 ? 0 : j];
            if (!isfinite(L->b[j])) oerr(o, "beta (%g) times the bias is not finite", beta);
        }
        L->has_bias = true;
    }
    layer_out(o, x, (int)out);
}

static void op_gemm(Ox *o)
{
    const Node *n = o->node;
    const Val *x = in_data(o, 0), *B = in_const(o, 1, "B (the weights)");
    if (attr_int(n, "transA", 0)) oerr(o, "transA=1 is not supported");
    const Val *C = nin(n, 2) ? in_const(o, 2, "C (the bias)") : NULL;
    dense(o, x, B, attr_int(n, "transB", 0) != 0, attr_float(n, "alpha", 1), C, attr_float(n, "beta", 1));
}

static void op_matmul(Ox *o)
{
    if (in_val(o, 0)->kind == V_CONST && in_val(o, 1)->kind == V_CONST) {
        const_matmul(o, in_val(o, 0), in_val(o, 1));
        return;
    }
    if (in_val(o, 0)->kind != V_DATA) oerr(o, "the constant is the left operand; rnnc supports data x weights");
    if (in_val(o, 0)->stage) {
        unroll_matmul(o, in_val(o, 0), in_const(o, 1, "the recurrent weights"));
        return;
    }
    dense(o, in_data(o, 0), in_const(o, 1, "the weights"), false, 1, NULL, 1);
}

/* Add: constants, or the bias after a MatMul. */
static void op_add(Ox *o)
{
    if (in_val(o, 0)->kind == V_CONST && in_val(o, 1)->kind == V_CONST) {
        const_binary(o, "Add");
        return;
    }
    if (in_val(o, 0)->stage || in_val(o, 1)->stage) {
        unroll_add(o);
        return;
    }
    int di = in_val(o, 0)->kind == V_DATA ? 0 : 1;
    const Val *x = in_data(o, di), *c = in_const(o, 1 - di, "the addend");
    OLayer *L = latest(o);
    if (!x->direct || !L || x->part[0].prod != o->nl - 1 || strcmp(L->type, "dense") || L->has_bias ||
        L->act != ACT_LINEAR)
        oerr(o, "Add is supported only as the bias right after a MatMul (or on constants)");
    if (c->n != L->units && c->n != 1) oerr(o, "the bias has %ld values, expected %d", c->n, L->units);
    for (int j = 0; j < L->units; j++) L->b[j] = c->v[c->n == 1 ? 0 : j];
    L->has_bias = true;
    Val *r = data_out(o, x);
    (void)r;
}

static void op_activation(Ox *o, ActKind a)
{
    const Val *x = in_data(o, 0);
    if (x->stage) {
        unroll_state(o, x, a);
        return;
    }
    OLayer *L = latest(o);
    if (x->direct && L && x->part[0].prod == o->nl - 1 && !strcmp(L->type, "dense") && L->act == ACT_LINEAR) {
        L->act = a;
        L->act_node = o->node;
        Val *r = data_out(o, x);
        if (r) r->direct = false;
        return;
    }
    if (a == ACT_SOFTMAX)
        oerr(o, "Softmax is supported only right after the last Gemm or MatMul (+ Add), as that layer's activation");
    consume(o, x);
    OLayer *n = new_layer(o, "activation", x->feat);
    n->act = a;
    n->units = 0;
    layer_out(o, x, x->feat);
    Val *r = find(o, o->node->output[0]);
    if (r) r->direct = false;
}

static void op_softmax(Ox *o)
{
    const Val *x = in_data(o, 0);
    long a = attr_int(o->node, "axis", o->opset >= 13 ? -1 : 1);
    int ax = norm_axis(o, a, x->rank);
    for (int i = ax + 1; o->opset < 13 && i < x->rank; i++)
        if (dim_size(o, x, i) != 1) oerr(o, "softmax over more than the features is not supported");
    if (x->ax[ax] != 'F') oerr(o, "softmax over axis %ld, which is not the features, is not supported", a);
    op_activation(o, ACT_SOFTMAX);
}

/* ---- selecting a timestep or a direction ---- */

/* Select timestep idx on axis a (T): only a recurrent operator's final state (the last
 * timestep forward, the first backward). remove: the axis goes (Gather), else it stays as 1. */
static void select_time(Ox *o, Val *v, int a, long idx, bool remove)
{
    long T = o->steps;
    if (idx < 0) idx += T;
    if (unroll_step(o, v, idx)) {
        if (remove) {
            memmove(v->ax + a, v->ax + a + 1, (size_t)(v->rank - a - 1));
            v->rank--;
        } else {
            v->ax[a] = '1';
        }
        return;
    }
    bool hasd = false;
    for (int i = 0; i < v->rank; i++) hasd |= v->ax[i] == 'D';
    const Part *ps = hasd ? v->dent : v->part;
    int n = hasd ? v->nd : v->np;
    for (int k = 0; k < n; k++) {
        if (ps[k].prod < 0 || !is_rec(&o->L[ps[k].prod]))
            oerr(o, "selects timestep %ld of a sequence that is neither a recurrent operator's output nor a "
                    "projection of the input (the start of an unrolled nn.RNN): not supported", idx);
        long want = ps[k].dir ? 0 : T - 1;
        if (idx != want)
            oerr(o, "selects timestep %ld of the %s direction; supported: its final state (timestep %ld)%s", idx,
                 ps[k].dir ? "backward" : "forward", want,
                 n > 1 ? ": for a bidirectional operator use the final hidden states (Y_h)" : "");
    }
    if (remove) {
        memmove(v->ax + a, v->ax + a + 1, (size_t)(v->rank - a - 1));
        v->rank--;
    } else {
        v->ax[a] = '1';
    }
}

static void select_dirs(Ox *o, Val *v, int a, long s, long e, bool remove)
{
    if (s < 0) s += v->nd;
    if (s < 0 || e > v->nd || s >= e) oerr(o, "selects directions %ld..%ld of %d", s, e - 1, v->nd);
    memmove(v->dent, v->dent + s, (size_t)(e - s) * sizeof v->dent[0]);
    v->nd = (int)(e - s);
    if (remove) drop_axis(o, v, a);
}

static void op_gather(Ox *o)
{
    const Val *x = in_val(o, 0), *idx = in_const(o, 1, "the indices");
    int a = norm_axis(o, attr_int(o->node, "axis", 0), x->rank);
    if (x->kind == V_CONST) {
        const_gather(o, x, idx, a);
        return;
    }
    if (idx->n != 1 || idx->rank > 1) oerr(o, "gathers %ld indices of the data; one is supported", idx->n);
    bool remove = idx->rank == 0;
    long i = ci(idx, 0);
    Val *r = data_out(o, x);
    if (!r) return;
    switch (x->ax[a]) {
    case 'T': select_time(o, r, a, i, remove); break;
    case 'D': select_dirs(o, r, a, i, (i < 0 ? i + x->nd : i) + 1, remove); break;
    case 'F': oerr(o, "selects one feature; not supported");
    default:
        if (i != 0 && i != -1) oerr(o, "index %ld on an axis of size one", i);
        if (remove) drop_axis(o, r, a);
    }
}

static void op_slice(Ox *o)
{
    const Val *x = in_val(o, 0);
    if (x->kind == V_CONST) {
        const_slice(o, x);
        return;
    }
    long dims[MAXR];
    for (int i = 0; i < x->rank; i++) dims[i] = dim_size(o, x, i);
    Sl s[MAXR];
    int cnt = slice_args(o, x->rank, dims, s);
    Val *r = data_out(o, x);
    if (!r) return;
    for (int k = 0; k < cnt; k++) {
        int a = s[k].axis;
        if (s[k].start == 0 && s[k].end == dims[a]) continue;
        if (x->ax[a] == 'T') {
            if (s[k].end - s[k].start != 1)
                oerr(o, "selects timesteps %ld..%ld; supported: all, or the final state", s[k].start, s[k].end - 1);
            select_time(o, r, a, s[k].start, false);
        } else if (x->ax[a] == 'D') {
            select_dirs(o, r, a, s[k].start, s[k].end, false);
        } else if (x->ax[a] == 'F') {
            oerr(o, "selects features %ld..%ld; not supported", s[k].start, s[k].end - 1);
        }
    }
}

static void op_concat(Ox *o)
{
    const Node *n = o->node;
    bool allc = true;
    for (int i = 0; i < (int)n->n_input; i++) allc &= in_val(o, i)->kind == V_CONST;
    if (allc) {
        const_concat(o);
        return;
    }
    const Val *x = in_data(o, 0);
    int a = norm_axis(o, attr_int(n, "axis", 0), x->rank);
    if (x->stage) {
        unroll_concat(o, x, a);
        return;
    }
    if (x->ax[a] != 'D' && x->ax[a] != 'F')
        oerr(o, "concatenates along an axis that is not the directions or the features");
    Val r = *x;
    r.v = NULL;
    for (int i = 1; i < (int)n->n_input; i++) {
        const Val *y = in_data(o, i);
        if (y->rank != x->rank || memcmp(y->ax, x->ax, (size_t)x->rank))
            oerr(o, "concatenates data of different layouts");
        if (x->ax[a] == 'D') {
            if (r.nd + y->nd > MAXR) oerr(o, "too many directions");
            memcpy(r.dent + r.nd, y->dent, (size_t)y->nd * sizeof y->dent[0]);
            r.nd += y->nd;
        } else {
            if (r.np + y->np > 2 || y->feat != x->feat)
                oerr(o, "concatenates features rnnc cannot follow (only the two directions of one operator)");
            r.part[r.np++] = y->part[0];
            r.feat += y->feat;
        }
    }
    r.direct = false;
    Val *out = out_val(o, 0);
    if (out) *out = r;
}

/* Reshape (and Flatten) of data: groups of consecutive axes merge: D then F (the directions
 * concatenated), T then F (a flatten layer); size-one axes come and go. */
static void reshape_data(Ox *o, const Val *x0, int rank, const long *d)
{
    char b[40];
    Val xx = *x0, *x = &xx;
    for (int i = 0; i < x->rank; i++)
        if (x->ax[i] == 'D' && x->nd == 1) {
            x->ax[i] = '1';
            x->np = 1;
            x->part[0] = x->dent[0];
            x->nd = 0;
        }
    int old[MAXR], no = 0;
    for (int i = 0; i < x->rank; i++)
        if (dim_size(o, x, i) > 1) old[no++] = i;
    Val r = *x;
    r.v = dup_v(x);
    r.rank = rank;
    r.direct = false;
    bool flat = false, dmerge = false;
    int j = 0;
    for (int i = 0; i < rank; i++) {
        if (d[i] == 1) {
            r.ax[i] = '1';
            continue;
        }
        long prod = 1;
        char tags[MAXR + 1];
        int nt = 0;
        while (prod < d[i] && j < no) {
            prod *= dim_size(o, x, old[j]);
            tags[nt++] = x->ax[old[j++]];
        }
        tags[nt] = 0;
        if (prod != d[i]) oerr(o, "reshapes %s to a shape rnnc cannot follow", axes_text(x, b, sizeof b));
        if (nt == 1) r.ax[i] = tags[0];
        else if (!strcmp(tags, "DF")) r.ax[i] = 'F', dmerge = true;
        else if (!strcmp(tags, "TF")) r.ax[i] = 'F', flat = true;
        else if (!strcmp(tags, "TDF")) r.ax[i] = 'F', flat = dmerge = true;
        else oerr(o, "reshapes %s merging axes in an order rnnc cannot follow (supported: directions then "
                     "features, time then features)", axes_text(x, b, sizeof b));
    }
    if (j != no) oerr(o, "reshapes %s to a shape rnnc cannot follow", axes_text(x, b, sizeof b));
    if (dmerge) {
        if (x->nd != 2) oerr(o, "merges %d directions into the features", x->nd);
        r.np = 2;
        r.part[0] = x->dent[0];
        r.part[1] = x->dent[1];
        r.nd = 0;
        r.feat = 2 * x->feat;
    }
    if (flat) {
        Val seq = {.kind = V_DATA, .rank = 2, .ax = {'T', 'F'}, .feat = r.feat, .np = r.np,
                   .part = {r.part[0], r.part[1]}};
        consume(o, &seq);
        new_layer(o, "flatten", r.feat);
        r.feat *= o->steps;
        if (r.feat > RNNC_MAX_VECTOR) oerr(o, "flattens to %d values, more than %d", r.feat, RNNC_MAX_VECTOR);
        r.np = 1;
        r.part[0] = (Part){o->nl - 1, 0};
    }
    Val *out = out_val(o, 0);
    if (out) *out = r;
}

static void op_reshape(Ox *o)
{
    const Val *x = in_val(o, 0), *s = in_const(o, 1, "the shape");
    if (s->n > MAXR) oerr(o, "a shape of rank %ld", s->n);
    long d[MAXR], known = 1, total = 1;
    int infer = -1, rank = (int)s->n;
    for (int i = 0; i < x->rank; i++) total *= x->kind == V_CONST ? x->d[i] : dim_size(o, x, i);
    for (int i = 0; i < rank; i++) {
        d[i] = ci(s, i);
        if (d[i] == 0 && !attr_int(o->node, "allowzero", 0)) {
            if (i >= x->rank) oerr(o, "shape entry %d copies a dimension the input lacks", i);
            d[i] = x->kind == V_CONST ? x->d[i] : dim_size(o, x, i);
        }
        if (d[i] > MAX_ELEMS) oerr(o, "shape entry %ld", d[i]);
        if (d[i] == -1) {
            if (infer >= 0) oerr(o, "two -1 entries in the shape");
            infer = i;
        } else if (d[i] < 0) {
            oerr(o, "shape entry %ld", d[i]);
        } else {
            known *= d[i];
        }
    }
    if (infer >= 0) d[infer] = known ? total / known : 0;
    long prod = 1;
    for (int i = 0; i < rank; i++) prod *= d[i];
    if (prod != total) oerr(o, "reshapes %ld values to %ld", total, prod);
    if (x->kind == V_CONST) const_reshaped(o, x, rank, d);
    else reshape_data(o, x, rank, d);
}

static void op_flatten(Ox *o)
{
    const Val *x = in_val(o, 0);
    int a = (int)attr_int(o->node, "axis", 1);
    if (a < 0) a += x->rank;
    if (a < 0 || a > x->rank) oerr(o, "axis %d is out of range", a);
    long d[2] = {1, 1};
    for (int i = 0; i < x->rank; i++) d[i >= a] *= x->kind == V_CONST ? x->d[i] : dim_size(o, x, i);
    if (x->kind == V_CONST) const_reshaped(o, x, 2, d);
    else reshape_data(o, x, 2, d);
}

/* ---- LSTM, GRU, RNN ---- */

typedef struct {
    const char *type;   /* rnnc type */
    int gates, nacts;
    int map[4];         /* Keras gate g is ONNX gate map[g] */
} RecInfo;

static const RecInfo rec_lstm = {"lstm", 4, 3, {0, 2, 3, 1}};   /* ONNX i o f c; Keras i f c o */
static const RecInfo rec_gru = {"gru", 3, 2, {0, 1, 2, 0}};     /* z r h both */
static const RecInfo rec_rnn = {"simple_rnn", 1, 1, {0, 0, 0, 0}};

static ActKind onnx_act(const Ox *o, const char *s)
{
    if (!strcmp(s, "Sigmoid")) return ACT_SIGMOID;
    if (!strcmp(s, "Tanh")) return ACT_TANH;
    if (!strcmp(s, "Relu")) return ACT_RELU;
    if (!strcmp(s, "HardSigmoid")) return ACT_HARD_SIGMOID;
    oerr(o, "activation %.40s is not supported (Sigmoid, Tanh, Relu, HardSigmoid)", s);
}

/* One direction d of the operator as an rnnc recurrent layer (weights in Keras layout). */
static void rec_dir(Ox *o, OLayer *L, const RecInfo *ri, int d, long H, long F, const Val *W, const Val *R,
                    const Val *B, bool lbr)
{
    long G = ri->gates, GH = G * H;
    L->units = (int)H;
    L->gates = (int)G;
    L->in_feat = (int)F;
    L->k = dalloc(F * GH);
    L->rk = dalloc(H * GH);
    L->b = dalloc(GH);
    L->has_bias = true;
    if (lbr) L->rb = dalloc(GH);
    for (long g = 0; g < G; g++)
        for (long u = 0; u < H; u++) {
            long row = d * GH + ri->map[g] * H + u, col = g * H + u;
            for (long f = 0; f < F; f++) L->k[f * GH + col] = W->v[row * F + f];
            for (long j = 0; j < H; j++) L->rk[j * GH + col] = R->v[row * H + j];
            if (!B) continue;
            double wb = B->v[d * 2 * GH + ri->map[g] * H + u], rb = B->v[d * 2 * GH + GH + ri->map[g] * H + u];
            if (lbr) L->b[col] = wb, L->rb[col] = rb;
            else L->b[col] = wb + rb;
        }
    L->reset_after = lbr;
    const Attr *acts = attr(o->node, "activations");
    char s[3][32] = {"Sigmoid", "Tanh", "Tanh"};
    if (!strcmp(ri->type, "simple_rnn")) strcpy(s[0], "Tanh");
    if (acts) {
        size_t na = (size_t)ri->nacts;
        if (acts->n_strings != na && acts->n_strings < (size_t)(d + 1) * na)
            oerr(o, "%d activations, expected %d per direction", (int)acts->n_strings, ri->nacts);
        for (int i = 0; i < ri->nacts; i++) {
            const ProtobufCBinaryData *a = &acts->strings[acts->n_strings == na ? (size_t)i : (size_t)d * na + (size_t)i];
            size_t k = a->len < 31 ? a->len : 31;
            memcpy(s[i], a->data, k);
            s[i][k] = 0;
        }
    }
    if (!strcmp(ri->type, "simple_rnn")) {
        L->act = onnx_act(o, s[0]);
        return;
    }
    L->ract = onnx_act(o, s[0]);
    L->act = onnx_act(o, s[1]);
    if (ri->nacts == 3 && onnx_act(o, s[2]) != L->act)
        oerr(o, "activations %s and %s differ; rnnc's LSTM uses one for the candidate and the output", s[1], s[2]);
}

static void check_zero_state(Ox *o, int i, const char *what)
{
    if (!nin(o->node, i)) return;
    const Val *v = in_val(o, i);
    if (v->kind != V_CONST || !all_zero(v))
        oerr(o, "the %s is not zero; rnnc starts every sequence from zero states", what);
}

static void rec_attrs(Ox *o, const RecInfo *ri)
{
    const Node *n = o->node;
    if (attr(n, "clip")) oerr(o, "clip is not supported");
    if (attr(n, "activation_alpha") || attr(n, "activation_beta"))
        oerr(o, "activation_alpha/activation_beta are not supported");
    if (attr_int(n, "input_forget", 0)) oerr(o, "input_forget=1 is not supported");
    check_zero_state(o, 5, "initial hidden state (initial_h)");
    if (ri->gates == 4) {
        check_zero_state(o, 6, "initial cell state (initial_c)");
        if (nin(n, 7)) {
            const Val *p = in_const(o, 7, "P (peepholes)");
            if (!all_zero(p)) oerr(o, "peephole connections (P) are not supported");
        }
    }
    if (nin(n, 4)) {
        const Val *sl = in_val(o, 4);
        bool full = sl->kind == V_CONST;
        for (long i = 0; full && i < sl->n; i++) full = ci(sl, i) == o->steps;
        if (!full) oerr(o, "sequence_lens other than the full length is not supported (packed sequences)");
    }
}

static void op_recurrent(Ox *o, const RecInfo *ri)
{
    const Node *n = o->node;
    char dir[32] = "forward", b[40];
    attr_str(n, "direction", dir, sizeof dir);
    int D = !strcmp(dir, "bidirectional") ? 2 : 1;
    if (D == 1 && strcmp(dir, "forward") && strcmp(dir, "reverse"))
        oerr(o, "direction '%s'; supported: forward, reverse, bidirectional", dir);
    long layout = attr_int(n, "layout", 0);
    if (layout != 0 && layout != 1) oerr(o, "layout %ld", layout);
    const Val *x = in_data(o, 0);
    if (x->rank != 3 || memcmp(x->ax, layout ? "1TF" : "T1F", 3))
        oerr(o, "its input X has the axes %s; layout %ld expects %s (T time, F features, 1 batch)",
             axes_text(x, b, sizeof b), layout, layout ? "[1,T,F]" : "[T,1,F]");
    const Val *W = in_const(o, 1, "W"), *R = in_const(o, 2, "R");
    const Val *B = nin(n, 3) ? in_const(o, 3, "B") : NULL;
    long G = ri->gates, F = x->feat, H = attr_int(n, "hidden_size", W->rank == 3 ? W->d[1] / G : 0);
    if (H < 1 || H > MAX_DIM) oerr(o, "hidden_size %ld; 1..%d supported", H, MAX_DIM);
    if (W->rank != 3 || W->d[0] != D || W->d[1] != G * H || W->d[2] != F)
        oerr(o, "W should have shape [%d, %ld, %ld] (directions, %ld gates x hidden_size, input features)", D, G * H,
             F, G);
    if (R->rank != 3 || R->d[0] != D || R->d[1] != G * H || R->d[2] != H)
        oerr(o, "R should have shape [%d, %ld, %ld]", D, G * H, H);
    if (B && (B->rank != 2 || B->d[0] != D || B->d[1] != 2 * G * H))
        oerr(o, "B should have shape [%d, %ld] (Wb then Rb)", D, 2 * G * H);
    bool lbr = attr_int(n, "linear_before_reset", 0) != 0;
    if (lbr && G != 3) oerr(o, "linear_before_reset applies to GRU only");
    rec_attrs(o, ri);
    if (!consume(o, x)) BUG("recurrent input without time");
    OLayer *L = new_layer(o, D == 2 ? "bidirectional" : ri->type, (int)F);
    L->units = (int)H;
    if (D == 2) {
        L->fw = xcalloc(1, sizeof *L->fw);
        L->bw = xcalloc(1, sizeof *L->bw);
        L->fw->type = L->bw->type = ri->type;
        rec_dir(o, L->fw, ri, 0, H, F, W, R, B, lbr);
        rec_dir(o, L->bw, ri, 1, H, F, W, R, B, lbr);
        L->bw->back = true;
    } else {
        rec_dir(o, L, ri, 0, H, F, W, R, B, lbr);
        L->back = !strcmp(dir, "reverse");
    }
    Val *y = out_val(o, 0), *yh = out_val(o, 1), *yc = out_val(o, 2);
    Val base = {.kind = V_DATA, .feat = (int)H, .nd = D};
    for (int d = 0; d < D; d++) base.dent[d] = (Part){o->nl - 1, D == 2 ? d : L->back};
    if (y) {
        *y = base;
        y->rank = 4;
        memcpy(y->ax, layout ? "1TDF" : "TD1F", 4);
    }
    if (yh) {
        *yh = base;
        yh->rank = 3;
        memcpy(yh->ax, layout ? "1DF" : "D1F", 3);
    }
    if (yc) yc->kind = V_CELL;
}

/* ---- unrolled recurrences ----
 * The dynamo exporter writes nn.RNN as torch's decomposition: the input projection as one
 * MatMul (+ Add) over the whole sequence (a dense layer here, at first), the sequence split
 * into timesteps, then per timestep t: h_t = act(i_t + h_{t-1} U + b) with the same U and b,
 * h_{-1} the zeros (folded as constants), and the states concatenated along time. The dense
 * layer becomes a simple_rnn: kernel and bias from it, recurrent_kernel U, bias + b. */


static void const_matmul(Ox *o, const Val *a, const Val *b)
{
    if (b->rank != 2 || a->rank < 1 || a->d[a->rank - 1] != b->d[0])
        oerr(o, "multiplies constants of shapes rnnc does not evaluate");
    long K = b->d[0], N = b->d[1], M = a->n / (K ? K : 1), d[MAXR] = {0};
    for (int i = 0; i < a->rank; i++) d[i] = a->d[i];
    d[a->rank - 1] = N;
    Val *r = out_val(o, 0);
    if (!r) return;
    new_const(o, r, a->rank, d);
    for (long m = 0; m < M; m++)
        for (long n = 0; n < N; n++) {
            double acc = 0;
            for (long k = 0; k < K; k++) acc += a->v[m * K + k] * b->v[k * N + n];
            r->v[m * N + n] = acc;
        }
}

/* Timestep idx of the sequence the last (dense) layer computes: the input term of that step. */
static bool unroll_step(Ox *o, Val *v, long idx)
{
    OLayer *L = latest(o);
    if (!L || !v->direct || v->np != 1 || v->part[0].prod != o->nl - 1) return false;
    if (!(L->unrolled || (!strcmp(L->type, "dense") && L->act == ACT_LINEAR))) return false;
    v->step = (int)idx + 1;
    v->stage = ST_INPUT;
    v->direct = false;
    free(v->v);
    v->v = NULL;
    v->n = 0;
    return true;
}

static void op_split(Ox *o)
{
    const Val *x = in_data(o, 0);
    int a = norm_axis(o, attr_int(o->node, "axis", 0), x->rank);
    if (x->ax[a] != 'T' || (int)o->node->n_output != o->steps)
        oerr(o, "splits the data other than into its timesteps; not supported");
    for (int t = 0; t < o->steps; t++) {
        Val *r = out_val(o, t);
        if (!r) continue;
        *r = *x;
        r->v = NULL;
        if (!unroll_step(o, r, t))
            oerr(o, "splits a sequence into timesteps that is not a projection of the input: an unrolled "
                    "recurrence rnnc cannot follow");
        r->ax[a] = '1';
    }
}

/* ONNX broadcasting: size-one axes in front up to rank. */
static void broadcast_rank(Val *r, int rank)
{
    if (rank <= r->rank || rank > MAXR) return;
    int k = rank - r->rank;
    memmove(r->ax + k, r->ax, (size_t)r->rank);
    memset(r->ax, '1', (size_t)k);
    r->rank = rank;
}

/* The pending bias of a step value, plus the constant c (broadcast over the units). */
static void add_bias(Ox *o, Val *r, const Val *c, int units)
{
    if (c->n != units && c->n != 1) oerr(o, "adds %ld values to %d units", c->n, units);
    if (!r->v) {
        r->v = dalloc(units);
        r->n = units;
    }
    for (int j = 0; j < units; j++) r->v[j] += c->v[c->n == 1 ? 0 : j];
}

static void unroll_matmul(Ox *o, const Val *h, const Val *U)
{
    if (h->stage != ST_STATE) oerr(o, "an unrolled recurrence rnnc cannot follow (a product of a partial sum)");
    if (U->rank != 2 || U->d[0] != h->feat || U->d[1] != h->feat)
        oerr(o, "the recurrent weights have shape (%ld, %ld), expected (%d, %d)", U->d[0], U->rank > 1 ? U->d[1] : 0,
             h->feat, h->feat);
    Val *r = data_out(o, h);
    if (!r) return;
    r->stage = ST_REC;
    r->w = U;
}

static void unroll_add(Ox *o)
{
    Val *a = in_val(o, 0), *b = in_val(o, 1);
    if (a->kind == V_CONST || b->kind == V_CONST) {
        const Val *x = a->kind == V_CONST ? b : a, *c = a->kind == V_CONST ? a : b;
        if (x->stage == ST_STATE) oerr(o, "adds a constant to a state of an unrolled recurrence");
        Val *r = data_out(o, x);
        if (!r) return;
        add_bias(o, r, c, x->feat);
        broadcast_rank(r, c->rank);
        return;
    }
    const Val *in = a->stage == ST_INPUT ? a : b, *rec = a->stage == ST_INPUT ? b : a;
    if (in->stage != ST_INPUT || rec->stage != ST_REC || rec->step + 1 != in->step)
        oerr(o, "adds values of an unrolled recurrence rnnc cannot follow (expected timestep t's input term and "
                "the state of timestep t-1 times the recurrent weights)");
    Val *r = data_out(o, in);
    if (!r) return;
    broadcast_rank(r, rec->rank);
    r->stage = ST_PRE;
    r->w = rec->w;
    Val cv = {.kind = V_CONST, .n = rec->n, .v = rec->v};
    if (rec->v) add_bias(o, r, &cv, in->feat);
}

/* The unrolled layer's name from its input weights' (torch's "rnn.weight_ih_l0" gives rnn_l0),
 * through a Transpose; else the name it has. */
static void unroll_name(Ox *o, OLayer *L)
{
    const char *w = L->node && L->node->n_input > 1 ? L->node->input[1] : "";
    for (size_t i = 0; i < o->g->n_node; i++) {
        const Node *n = o->g->node[i];
        if (n->n_output && !strcmp(n->output[0], w) && n->op_type && !strcmp(n->op_type, "Transpose") && n->n_input)
            w = n->input[0];
    }
    const char *k = strstr(w, ".weight_ih_l");
    if (!k) return;
    char base[160], name[RNNC_NAME_MAX];
    SNPRINTF(base, sizeof base, "%.*s_l%s", (int)(k - w), w, k + strlen(".weight_ih_l"));
    safe_name(base, L->name, name);
    for (int j = 0; j < o->nl; j++)
        if (&o->L[j] != L && !strcmp(o->L[j].name, name)) return;
    memcpy(L->name, name, RNNC_NAME_MAX);
}

/* The first state turns the dense layer into a simple_rnn; each later one must repeat it. */
static void unroll_state(Ox *o, const Val *x, ActKind act)
{
    OLayer *L = latest(o);
    int H = x->feat;
    if (x->stage != ST_PRE && !(x->stage == ST_INPUT && x->step == 1))
        oerr(o, "an activation inside an unrolled recurrence rnnc cannot follow");
    double *bias = dalloc(H);
    for (int j = 0; x->v && j < H; j++) bias[j] = x->v[j];
    if (x->step == 1) {
        if (L->unrolled) oerr(o, "a second unrolled recurrence on the same input projection");
        L->type = "simple_rnn";
        L->unrolled = true;
        unroll_name(o, L);
        L->act = act;
        L->rk = dalloc((long)H * H);
        for (int j = 0; j < H; j++) L->b[j] += bias[j];
        L->ubias = bias;
    } else {
        if (!L->unrolled || act != L->act) oerr(o, "the timesteps of an unrolled recurrence differ (activation)");
        for (int j = 0; j < H; j++)
            if (bias[j] != L->ubias[j]) oerr(o, "the timesteps of an unrolled recurrence differ (bias)");
        free(bias);
        const Val *U = x->w;
        if (x->step == 2) memcpy(L->rk, U->v, (size_t)H * (size_t)H * sizeof *L->rk);
        else if (memcmp(L->rk, U->v, (size_t)H * (size_t)H * sizeof *L->rk))
            oerr(o, "the timesteps of an unrolled recurrence use different recurrent weights");
    }
    Val *r = data_out(o, x);
    if (!r) return;
    r->stage = ST_STATE;
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

/* The states of timesteps 0..T-1 concatenated along time: the layer's output sequence. */
static void unroll_concat(Ox *o, const Val *x, int a)
{
    const Node *n = o->node;
    if ((int)n->n_input != o->steps || x->ax[a] != '1')
        oerr(o, "concatenates values of an unrolled recurrence rnnc cannot follow (expected the %d states along "
                "time)", o->steps);
    for (int i = 0; i < (int)n->n_input; i++) {
        const Val *y = in_data(o, i);
        if (y->stage != ST_STATE || y->step != i + 1)
            oerr(o, "input %d is not the state of timestep %d of the unrolled recurrence", i, i);
    }
    Val *r = data_out(o, x);
    if (!r) return;
    r->stage = ST_NONE;
    r->step = 0;
    r->ax[a] = 'T';
}

/* ---- the graph ---- */

static void op_pass(Ox *o)
{
    const Val *x = in_val(o, 0);
    Val *r = out_val(o, 0);
    if (!r) return;
    *r = *x;
    if (x->kind == V_CONST) {
        r->v = dalloc(x->n);
        memcpy(r->v, x->v, (size_t)x->n * sizeof *r->v);
    } else {
        r->v = dup_v(x);
    }
}

static void op_constant_of_shape(Ox *o)
{
    const Val *s = in_const(o, 0, "the shape");
    long d[MAXR] = {0};
    if (s->n > MAXR) oerr(o, "a shape of rank %ld", s->n);
    for (long i = 0; i < s->n; i++) d[i] = ci(s, i);
    Val one = {0};
    const Attr *a = attr(o->node, "value");
    if (a && a->t) tensor_val(o, a->t, &one, "the value");
    else new_const(o, &one, 0, NULL);
    const_reshaped(o, &one, (int)s->n, d);
    free(one.v);
}

static void op_expand(Ox *o)
{
    const Val *x = in_val(o, 0), *s = in_const(o, 1, "the shape");
    if (x->kind != V_CONST) oerr(o, "expanding the data is not supported");
    if (s->n > MAXR) oerr(o, "a shape of rank %ld", s->n);
    long d[MAXR] = {0};
    int rank = (int)s->n > x->rank ? (int)s->n : x->rank;
    for (int i = 0; i < rank; i++) {
        int si = i - (rank - (int)s->n), xi = i - (rank - x->rank);
        long a = si >= 0 ? ci(s, si) : 1, b = xi >= 0 ? x->d[xi] : 1;
        d[i] = a > b ? a : b;
    }
    const_reshaped(o, x, rank, d);
}

static void run_node(Ox *o)
{
    const char *op = o->node->op_type ? o->node->op_type : "";
    if (o->node->domain && *o->node->domain && strcmp(o->node->domain, "ai.onnx"))
        oerr(o, "an operator of the domain '%.60s'; rnnc reads the standard ONNX operators (%s)", o->node->domain,
             supported_ops);
    if (!strcmp(op, "Constant")) op_constant(o);
    else if (!strcmp(op, "Identity") || !strcmp(op, "Dropout") || !strcmp(op, "Cast")) op_pass(o);
    else if (!strcmp(op, "Shape")) op_shape(o);
    else if (!strcmp(op, "ConstantOfShape")) op_constant_of_shape(o);
    else if (!strcmp(op, "Expand")) op_expand(o);
    else if (!strcmp(op, "Gather")) op_gather(o);
    else if (!strcmp(op, "Slice")) op_slice(o);
    else if (!strcmp(op, "Concat")) op_concat(o);
    else if (!strcmp(op, "Squeeze")) op_squeeze(o);
    else if (!strcmp(op, "Unsqueeze")) op_unsqueeze(o);
    else if (!strcmp(op, "Transpose")) op_transpose(o);
    else if (!strcmp(op, "Reshape")) op_reshape(o);
    else if (!strcmp(op, "Flatten")) op_flatten(o);
    else if (!strcmp(op, "Add")) op_add(o);
    else if (!strcmp(op, "Sub") || !strcmp(op, "Mul") || !strcmp(op, "Div")) {
        if (in_val(o, 0)->kind != V_CONST || in_val(o, 1)->kind != V_CONST)
            oerr(o, "%s on the data is not supported (only on constants)", op);
        const_binary(o, op);
    } else if (!strcmp(op, "Gemm")) op_gemm(o);
    else if (!strcmp(op, "MatMul")) op_matmul(o);
    else if (!strcmp(op, "Relu")) op_activation(o, ACT_RELU);
    else if (!strcmp(op, "Sigmoid")) op_activation(o, ACT_SIGMOID);
    else if (!strcmp(op, "Tanh")) op_activation(o, ACT_TANH);
    else if (!strcmp(op, "Softmax")) op_softmax(o);
    else if (!strcmp(op, "LSTM")) op_recurrent(o, &rec_lstm);
    else if (!strcmp(op, "GRU")) op_recurrent(o, &rec_gru);
    else if (!strcmp(op, "RNN")) op_recurrent(o, &rec_rnn);
    else if (!strcmp(op, "Split") && nin(o->node, 0) && find(o, o->node->input[0]) &&
             find(o, o->node->input[0])->kind == V_DATA)
        op_split(o);
    else if ((!strcmp(op, "SplitToSequence") || !strcmp(op, "Scan") || !strcmp(op, "Loop")) &&
             nin(o->node, 0) && find(o, o->node->input[0]) && find(o, o->node->input[0])->kind == V_DATA)
        oerr(o, "loops over the data (%s): not supported; rnnc reads the LSTM, GRU and RNN operators "
                "(torch.onnx.export(..., dynamo=False)) and nn.RNN unrolled into timesteps", op);
    else oerr(o, "the operator %.40s is not supported; supported: %s", op, supported_ops);
}

/* The one graph input that is not an initializer: [batch, T, F] (or [batch, F]). */
static void graph_input(Ox *o, const KerasOptions *opt, int *feat)
{
    const RnncOnnx__ValueInfoProto *in = NULL;
    for (size_t i = 0; i < o->g->n_input; i++) {
        const Val *v = find(o, o->g->input[i]->name ? o->g->input[i]->name : "");
        if (v && v->kind == V_CONST) continue;
        if (in) user_error(o->file, "the graph has several inputs ('%.60s', '%.60s'); rnnc supports one", in->name,
                           o->g->input[i]->name);
        in = o->g->input[i];
    }
    if (!in || !in->name) user_error(o->file, "the graph has no input");
    const RnncOnnx__TypeProto__Tensor *tt = in->type ? in->type->tensor_type : NULL;
    if (!tt || !tt->shape) user_error(o->file, "the input '%.60s' has no tensor shape", in->name);
    int rank = (int)tt->shape->n_dim;
    if (rank != 2 && rank != 3)
        user_error(o->file, "the input '%.60s' has rank %d; expected [batch, timesteps, features] (batch_first=True)",
                   in->name, rank);
    long d[3] = {0};
    for (int i = 0; i < rank; i++) {
        const RnncOnnx__TensorShapeProto__Dimension *dm = tt->shape->dim[i];
        d[i] = dm->has_dim_value ? (long)dm->dim_value : 0;
    }
    if (d[0] > 1) user_error(o->file, "the input's batch dimension is %ld; export with batch 1 or a dynamic batch", d[0]);
    long T = rank == 3 ? d[1] : 1, F = d[rank - 1];
    if (opt->timesteps > 0) {
        if (T > 0 && T != opt->timesteps)
            user_error(o->file, "--timesteps %d, but the model's input has %ld timesteps", opt->timesteps, T);
        T = opt->timesteps;
    }
    if (T < 1) user_error(o->file, "the input's time dimension is not fixed: give --timesteps N");
    if (T > MAX_DIM || F < 1 || F > MAX_DIM)
        user_error(o->file, "the input has %ld timesteps and %ld features; 1..%d supported", T, F, MAX_DIM);
    o->steps = (int)T;
    *feat = (int)F;
    Val *v = define(o, in->name);
    v->kind = V_DATA;
    v->rank = rank;
    memcpy(v->ax, rank == 3 ? "1TF" : "1F", (size_t)rank);
    v->feat = (int)F;
    v->np = 1;
    v->part[0] = (Part){-1, 0};
}

/* ---- the rnnc-model/1 tree ---- */

static cJSON *matrix(const double *v, long rows, long cols)
{
    cJSON *m = cJSON_CreateArray();
    for (long r = 0; r < rows; r++) cJSON_AddItemToArray(m, cJSON_CreateDoubleArray(v + r * cols, (int)cols));
    return m;
}

static cJSON *layer_json(const OLayer *L, bool inner)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", L->type);
    if (!inner) cJSON_AddStringToObject(j, "name", L->name);
    if (L->fw) {
        cJSON_AddStringToObject(j, "merge_mode", "concat");
        cJSON_AddBoolToObject(j, "return_sequences", L->rs);
        cJSON_AddItemToObject(j, "forward", layer_json(L->fw, true));
        cJSON_AddItemToObject(j, "backward", layer_json(L->bw, true));
        return j;
    }
    if (!strcmp(L->type, "activation")) cJSON_AddStringToObject(j, "activation", act_name(L->act));
    if (!L->k) return j;
    long cols = (long)L->gates * L->units;
    cJSON_AddNumberToObject(j, "units", L->units);
    cJSON_AddStringToObject(j, "activation", act_name(L->act));
    if (L->rk) {
        if (L->gates > 1) cJSON_AddStringToObject(j, "recurrent_activation", act_name(L->ract));
        if (!inner) {
            cJSON_AddBoolToObject(j, "return_sequences", L->rs);
            cJSON_AddBoolToObject(j, "go_backwards", L->back);
        }
        if (L->gates == 3) cJSON_AddBoolToObject(j, "reset_after", L->reset_after);
    }
    cJSON_AddItemToObject(j, "kernel", matrix(L->k, L->in_feat, cols));
    if (L->rk) cJSON_AddItemToObject(j, "recurrent_kernel", matrix(L->rk, L->units, cols));
    if (L->rb) {
        cJSON *b = cJSON_CreateArray();
        cJSON_AddItemToArray(b, cJSON_CreateDoubleArray(L->b, (int)cols));
        cJSON_AddItemToArray(b, cJSON_CreateDoubleArray(L->rb, (int)cols));
        cJSON_AddItemToObject(j, "bias", b);
    } else {
        cJSON_AddItemToObject(j, "bias", cJSON_CreateDoubleArray(L->b, (int)cols));
    }
    return j;
}

static void model_name(const char *path, char *out)
{
    char stem[256];
    const char *s = strrchr(path, '/');
    SNPRINTF(stem, sizeof stem, "%s", s ? s + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem) *dot = 0;
    safe_name(stem, "model", out);
}

/* Every weight and bias of L (and of its directions) finite: the values a graph holds are checked
 * as they are read, but folding can still overflow (Gemm's alpha * W and beta * C, a GRU's
 * two biases summed, an unrolled recurrence's biases added). */
static void check_finite_layer(const Ox *o, const OLayer *L, const char *name)
{
    if (L->fw) {
        check_finite_layer(o, L->fw, name);
        check_finite_layer(o, L->bw, name);
        return;
    }
    if (!L->k) return;
    long cols = (long)L->gates * L->units;
    const struct { const double *v; long n; const char *what; } part[] = {
        {L->k, (long)L->in_feat * cols, "kernel"}, {L->rk, L->rk ? (long)L->units * cols : 0, "recurrent kernel"},
        {L->b, cols, "bias"}, {L->rb, L->rb ? cols : 0, "recurrent bias"}};
    for (size_t p = 0; p < sizeof part / sizeof part[0]; p++)
        for (long i = 0; i < part[p].n; i++)
            if (!isfinite(part[p].v[i]))
                user_error(o->file, "layer '%s': its %s holds a value that is not finite once the graph's constants "
                           "are folded (an overflow of Gemm's alpha or beta, or of summed biases)", name, part[p].what);
}

static cJSON *build_tree(const Ox *o, int feat)
{
    cJSON *tree = cJSON_CreateObject();
    char name[RNNC_NAME_MAX];
    model_name(o->file, name);
    cJSON_AddNumberToObject(tree, "rnnc", 1);
    cJSON_AddStringToObject(tree, "name", name);
    cJSON *in = cJSON_AddObjectToObject(tree, "input");
    cJSON_AddNumberToObject(in, "timesteps", o->steps);
    cJSON_AddNumberToObject(in, "features", feat);
    cJSON_AddStringToObject(tree, "precision", "ap_fixed<16,6>");
    cJSON *layers = cJSON_AddArrayToObject(tree, "layers");
    for (int i = 0; i < o->nl; i++) {
        check_finite_layer(o, &o->L[i], o->L[i].name);
        cJSON_AddItemToArray(layers, layer_json(&o->L[i], false));
    }
    return tree;
}

static void free_layer(OLayer *L)
{
    free(L->k);
    free(L->rk);
    free(L->b);
    free(L->rb);
    free(L->ubias);
    if (L->fw) free_layer(L->fw), free(L->fw);
    if (L->bw) free_layer(L->bw), free(L->bw);
}

/* The nodes the graph output depends on (the others, e.g. an unused Y_c path, are skipped). */
static bool *live_nodes(const RnncOnnx__GraphProto *g)
{
    size_t cap = 16, n = 0;
    const char **need = xcalloc(cap, sizeof *need);
    need[n++] = g->output[0]->name ? g->output[0]->name : "";
    bool *live = xcalloc(g->n_node + 1, sizeof *live);
    for (size_t i = g->n_node; i-- > 0;) {
        const Node *nd = g->node[i];
        for (size_t k = 0; k < nd->n_output && !live[i]; k++)
            for (size_t j = 0; j < n && !live[i]; j++) live[i] = nd->output[k][0] && !strcmp(nd->output[k], need[j]);
        if (!live[i]) continue;
        for (size_t k = 0; k < nd->n_input; k++) {
            if (n == cap) {
                cap *= 2;
                need = realloc(need, cap * sizeof *need);
                if (!need) BUG("out of memory");
            }
            need[n++] = nd->input[k];
        }
    }
    free(need);
    return live;
}

bool is_onnx_model(const char *path)
{
    size_t n = strlen(path);
    bool ext = n >= 5;
    for (size_t i = 0; ext && i < 5; i++) ext = tolower((unsigned char)path[n - 5 + i]) == ".onnx"[i];
    if (ext) return true;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    unsigned char b[12] = {0};
    size_t k = fread(b, 1, sizeof b, f);
    fclose(f);
    /* ModelProto: field 1 (ir_version, a small varint), then a string, a message or opset_import */
    return k >= 4 && b[0] == 0x08 && b[1] >= 1 && b[1] <= 64 &&
           (b[2] == 0x12 || b[2] == 0x1a || b[2] == 0x22 || b[2] == 0x28 || b[2] == 0x32 || b[2] == 0x3a ||
            b[2] == 0x42);
}

cJSON *onnx_tree(const char *path, const KerasOptions *opt)
{
    if (opt->weights)
        user_error(path, "--weights goes with a Keras architecture JSON; an ONNX model has its weights inside");
    size_t len;
    char *buf = read_whole_file(path, &len);
    RnncOnnx__ModelProto *m = rnnc_onnx__model_proto__unpack(NULL, len, (const uint8_t *)buf);
    free(buf);
    if (!m) user_error(path, "not a valid ONNX model (the protobuf does not decode: truncated, or not ONNX)");
    if (!m->graph || !m->graph->n_node) user_error(path, "an ONNX model without a graph (or with no nodes)");
    Ox o = {.file = path, .g = m->graph, .opset = 1};
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const RnncOnnx__OperatorSetIdProto *s = m->opset_import[i];
        if ((!s->domain || !*s->domain || !strcmp(s->domain, "ai.onnx")) && s->has_version) o.opset = (int)s->version;
    }
    o.cap = (int)(o.g->n_initializer + o.g->n_input + 1);
    for (size_t i = 0; i < o.g->n_node; i++) o.cap += (int)o.g->node[i]->n_output;
    o.names = xcalloc((size_t)o.cap, sizeof *o.names);
    o.vals = xcalloc((size_t)o.cap, sizeof *o.vals);
    for (size_t i = 0; i < o.g->n_initializer; i++) {
        const OxTensor *t = o.g->initializer[i];
        tensor_val(&o, t, define(&o, t->name ? t->name : ""), "the initializer");
    }
    int feat;
    graph_input(&o, opt, &feat);
    if (o.g->n_output != 1) user_error(path, "the graph has %d outputs; rnnc supports one", (int)o.g->n_output);
    bool *live = live_nodes(o.g);
    for (size_t i = 0; i < o.g->n_node; i++) {
        o.node = o.g->node[i];
        if (live[i]) run_node(&o);
    }
    free(live);
    for (int i = 0; i + 1 < o.nl; i++)
        if (o.L[i].act == ACT_SOFTMAX) {
            o.node = o.L[i].act_node;
            oerr(&o, "Softmax is supported only at the end of the model (as the last dense layer's activation)");
        }
    o.node = NULL;
    const Val *out = find(&o, o.g->output[0]->name ? o.g->output[0]->name : "");
    if (!out || out->kind != V_DATA)
        user_error(path, "the graph output '%.60s' is not computed from the input", o.g->output[0]->name);
    if (!o.nl) user_error(path, "the graph has no layers (supported: %s)", supported_ops);
    consume(&o, out);
    cJSON *tree = build_tree(&o, feat);
    for (int i = 0; i < o.nv; i++) free(o.vals[i].v);
    for (int i = 0; i < o.nl; i++) free_layer(&o.L[i]);
    free(o.vals);
    free(o.names);
    free(o.L);
    rnnc_onnx__model_proto__free_unpacked(m, NULL);
    return tree;
}
