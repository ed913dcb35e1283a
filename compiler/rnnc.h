/* rnnc.h: the one header of the rnnc compiler.
 *
 * The pipeline (main.c) is  parse -> check -> [precision] -> quantize -> lower -> schedule -> emit,
 * with emulate beside the emitters; every stage works on the Model below (and lower's
 * Netlist). Sections follow the files that implement them. */
#ifndef RNNC_H
#define RNNC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RNNC_VERSION "0.1.0"
#define RNNC_NAME_MAX 64

/* ---- limits: the model sizes rnnc supports (docs/model-format.md, "Limits"). Each is checked
 * before anything of its size is allocated, computed or written, with a message naming it;
 * every valid model within them compiles (tests/limits). ---- */
#define RNNC_MAX_DIM 4096               /* timesteps, input features, units of a layer */
#define RNNC_MAX_VECTOR 16384           /* elements of one vector: a flatten's output, a layer's input */
#define RNNC_MAX_LAYERS 1024            /* layers of a model (engines: at most 3 per layer) */
#define RNNC_MAX_WEIGHTS (1L << 22)     /* weights of a model: kernels, recurrent kernels, biases */
#define RNNC_MAX_RF (1 << 24)           /* reuse factor */
#define RNNC_MAX_TABLE 65536            /* entries of an activation table (a power of two, >= 2) */
#define RNNC_MAX_OUTPUT_BYTES (1L << 30) /* text written into one output directory */
#define RNNC_READ_SECONDS 60            /* CPU seconds to read a Keras file (keras.c; wall clock: twice) */
#define RNNC_READ_MEMORY (4L << 30)     /* address space of the process reading a Keras file */

/* ---- fixed.c: fixed-point types and exact casts (docs/numerics.md) ---- */

/* ap_fixed's quantization and overflow modes (docs/numerics.md). The values are the RTL's
 * ROUND parameter and the low two bits of its SATURATE parameter (fx_rtl_sat), keep them. */
typedef enum { Q_TRN, Q_RND, Q_RND_CONV, Q_TRN_ZERO, Q_RND_ZERO, Q_RND_INF, Q_RND_MIN_INF } QMode;
typedef enum { O_WRAP, O_SAT, O_SAT_ZERO, O_SAT_SYM } OMode;
#define FX_MAX_W 64         /* stored types: weights, results, states, tables, inputs */
#define FX_MAX_ACCUM_W 126  /* accumulators (check.c): products and sums stay within wide_t */

typedef struct {
    int w;          /* total bits, 1..FX_MAX_ACCUM_W (stored types 1..FX_MAX_W, check.c) */
    int i;          /* integer bits (may be negative or > w) */
    bool sgn;       /* ap_fixed (true) or ap_ufixed (false) */
    QMode q;
    OMode o;
    int n;          /* saturation bits of AP_WRAP (ap_fixed's N), 0..w; 0 for the other modes */
} FxType;

typedef __int128 wide_t; /* exact intermediate: products and sums never overflow it */

/* The RTL's SATURATE parameter (rnnc_quant): the O mode plus 4 * N. */
static inline int fx_rtl_sat(FxType t) { return (int)t.o + 4 * t.n; }
static inline int fx_frac(FxType t) { return t.w - t.i; }
wide_t fx_min_raw(FxType t);
wide_t fx_max_raw(FxType t);
/* Cast an exact value raw * 2^-from_frac to type t (Q then O), as ap_fixed's conversion does.
 * The result fits int64_t when t.w <= 64. */
wide_t fx_cast(wide_t raw, int from_frac, FxType t);
/* Quantize a real number to type t (Q then O). */
wide_t fx_from_double(double x, FxType t);
double fx_to_double(wide_t raw, FxType t);
double fx_raw_to_double(wide_t raw, int frac);
/* Parse every form hls4ml writes: "ap_fixed<16,6>", "ap_ufixed<8,0,AP_RND,AP_SAT>",
 * "fixed<18,8,TRN,WRAP,0>", "ufixed<W,I,...>", "ap_int<W>", "int<W>", "uint<W>", ...; returns
 * false and fills err (a short reason) when the text is not a valid, supported type. */
bool fx_parse(const char *text, FxType *out, char *err, size_t errlen);
/* Canonical text of a type, e.g. "ap_fixed<16,6>" (Q/O only when not default, N when not 0). */
void fx_format(FxType t, char *buf, size_t len);
bool fx_equal(FxType a, FxType b);
/* Whether fx_cast(raw, from_frac, t) / fx_from_double(x, t) keep the value in t's range (no wrap
 * or saturation in the O step). */
bool fx_cast_fits(wide_t raw, int from_frac, FxType t);
bool fx_fits_double(double x, FxType t);
/* Integer division truncating toward zero of v by 2^shift (shift may be negative: multiply). */
wide_t fx_trunc0_shift(wide_t v, int shift);

/* ---- model: the IR every stage shares ---- */

typedef enum { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_HARD_SIGMOID, ACT_SOFTMAX } ActKind;
typedef enum { L_DENSE, L_LSTM, L_GRU, L_SIMPLE_RNN, L_FLATTEN, L_DROPOUT, L_ACTIVATION, L_BIDIRECTIONAL } LayerKind;
#define L_KIND_COUNT (L_BIDIRECTIONAL + 1)  /* the last kind + 1 */
/* How a bidirectional layer joins its two directions (docs/numerics.md) */
typedef enum { MERGE_SUM, MERGE_MUL, MERGE_AVE, MERGE_CONCAT } MergeMode;

typedef struct {
    FxType weight, rweight, bias, accum, state, result, table;
} LayerTypes;

/* Whose numerics the emulator and the RTL follow (--numerics; docs/numerics.md): rnnc's own
 * (the default), or hls4ml's templates exactly (gates in accum, the LSTM state in result,
 * hls4ml's softmax designs, running accumulation). */
typedef enum { NUM_RNNC, NUM_HLS4ML } Numerics;
/* hls4ml's softmax implementations (the layer's softmax_implementation; hls4ml numerics only) */
typedef enum { SM_STABLE, SM_LATENCY, SM_LEGACY } SoftmaxImpl;

typedef struct Layer {
    LayerKind kind;
    char name[RNNC_NAME_MAX];   /* safe identifier (parse.c), unique (check.c) */
    int json_index;             /* position in layers[] for messages */
    int units;                  /* output features (dense/recurrent); 0 for shape-only layers */
    ActKind act;                /* activation (dense, recurrent candidate/output, activation layer) */
    ActKind ract;               /* recurrent_activation (LSTM, GRU gates) */
    bool return_sequences, go_backwards, reset_after;
    int reuse;                  /* reuse factor (parse.c: 0 = model default; check.c resolves) */
    int rreuse;                 /* recurrent layers: recurrent_reuse_factor, h*U's reuse factor in
                                 * the split form (reuse then is x*W's); 0 = not given: lower.c
                                 * chooses the form and the factors (lower_cell) */
    int lane_mults;             /* LSTM, GRU reset_after: lane_multipliers, the multipliers of each
                                 * elementwise lane: 3 (a unit every cycle) or 1 (its three products
                                 * on one multiplier, a unit every 3 cycles); GRU reset_after also 2
                                 * (a unit every cycle, z * h_prev in logic); 0 = not given: 3 */
    int share;                  /* recurrent layers: share_multipliers, 1: the dense engines after
                                 * this layer's cell (return_sequences false) run on its matrix
                                 * multipliers (lower_share); -1: false; 0 = not given: off,
                                 * the reuse search may turn it on */
    int table_size;
    bool table_size_given; /* set by the model (or a config), not the default: the search keeps it */
    int logic_mults;            /* dense: logic_multipliers, how many of its multipliers (at reuse
                                 * factor > 1) are built in logic, not DSP blocks (Mvm.n_logic) */
    bool logic_mults_given;     /* set by the model: the search keeps it (else it may put the
                                 * multipliers past a DSP budget there: auto_spill) */
    int table_mirror;           /* table_mirror, 1: a sigmoid or tanh table whose lower half mirrors
                                 * its upper half is stored as that half where this takes fewer block
                                 * RAMs (rnnc_activation TABLE_MIRROR, res_table_mirror; about 19
                                 * LUTs per table); -1: false; 0 = not given: off, the reuse search
                                 * turns it on when the block RAM is what does not fit */
    SoftmaxImpl softmax_impl;   /* softmax.implementation (hls4ml numerics; default stable) */
    struct {                    /* softmax's types under hls4ml numerics (model.json "softmax") */
        FxType exp_table, inv_table, inv_inp, accum;
        FxType input;           /* a dense's output before the softmax (hls4ml's Dense result) */
    } sm;
    Numerics numerics;          /* the model's (set_numerics) */
    LayerTypes ty;
    FxType rbias_ty;            /* the recurrent bias's type (GRU reset_after's second row) when */
    bool rbias_set;             /* precision.recurrent_bias is given; else ty.bias (layer_rbias_type) */
    unsigned explicit_ty;       /* types the model set for this layer (precision.c keeps them):
                                 * bits weight 1, rweight 2, bias 4, accum 8, state 16, result 32,
                                 * table 64 (parse.c) */

    /* Shapes, filled by check.c: input is a sequence of in_steps x in_feat when in_seq,
     * else a vector of in_feat; likewise the output. */
    bool in_seq, out_seq;
    int in_steps, in_feat, out_steps, out_feat;

    /* Weights in Keras layout, as read (parse.c). gates = 4 (LSTM), 3 (GRU), 1 otherwise. */
    int gates;
    int kernel_rows;    /* rows of kernel as read (parse.c); check.c requires == in_feat */
    double *kernel;     /* [in_feat][gates*units] */
    double *rkernel;    /* [units][gates*units], recurrent layers */
    double *bias;       /* [gates*units] (GRU reset_after: the input bias row) */
    double *rbias;      /* [gates*units], GRU reset_after only: the recurrent bias row */

    /* Quantized weights (quantize stage, fixed.c): raw integers of ty.weight etc. */
    int64_t *qkernel, *qrkernel, *qbias, *qrbias;

    /* bidirectional: its two recurrent layers (forward, backward: go_backwards, named
     * <name>_fwd and <name>_bwd, return_sequences the wrapper's) and how they are merged
     * into ty.result; units is the merged width */
    struct Layer *dir[2];
    MergeMode merge;
} Layer;

typedef struct {
    const char *path;           /* the model file, for messages */
    char name[RNNC_NAME_MAX];
    int timesteps, features;
    FxType precision;           /* model default */
    FxType input_type;
    bool explicit_input;        /* input.precision given */
    int reuse;                  /* model default reuse factor */
    bool reuse_given;           /* the model (or --reuse, --config) set that default (autoreuse.c) */
    Layer *layers;
    int n_layers;
    /* Output shape of the whole model (= last layer's). */
    bool out_seq;
    int out_steps, out_feat;
    FxType out_type;
    Numerics numerics;          /* --numerics (main.c); NUM_RNNC unless asked */
} Model;

/* the type of a layer's recurrent bias row (qrbias) */
static inline FxType layer_rbias_type(const Layer *l) { return l->rbias_set ? l->rbias_ty : l->ty.bias; }

/* ---- util.c: memory, errors ---- */

void *xcalloc(size_t n, size_t size);
extern int xalloc_fail_status;  /* exit status when an allocation fails (1; keras.c's reader: its own) */
char *xstrdup(const char *s);
/* User error: "rnnc: FILE: msg" on stderr, exit status 2. */
/* The same with a va_list and a place inside the file ("where: " before the message when not
 * NULL or empty): the JSON path, the layer. The error wrappers of the readers use it. */
_Noreturn void user_verror(const char *file, const char *where, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
_Noreturn void user_error(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* fn runs once before user_error exits (files.c: remove the staging directory). */
void on_user_error(void (*fn)(void));
/* Internal bug: file:line and abort. */
_Noreturn void die_internal(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define BUG(...) die_internal(__FILE__, __LINE__, __VA_ARGS__)
bool is_safe_identifier(const char *s);
/* The whole file, NUL-terminated (len without the NUL); a user error naming it when it cannot
 * be read. try_: NULL when it cannot be opened. */
char *read_whole_file(const char *path, size_t *len);
char *try_read_whole_file(const char *path, size_t *len);
const char *act_name(ActKind a);

/* ---- kinds.c: what a layer kind is, one row per kind (adding a kind: docs/architecture.md) ---- */
typedef enum {
    SHAPE_KEEP,         /* output shape = input shape */
    SHAPE_FEATURES,     /* features -> units, per timestep on a sequence */
    SHAPE_RECURRENT,    /* a sequence in; a sequence (return_sequences) or a vector of units out */
    SHAPE_FLATTEN,      /* a sequence -> one vector, timestep-major */
} ShapeRule;
#define RNNC_KERAS_MAX 6
typedef struct {
    const char *name;                   /* model.json "type"; messages; default layer names */
    const char *keras[RNNC_KERAS_MAX];  /* Keras classes imported as this kind; [0] the usual one */
    const char *const *keys;            /* model.json keys besides type and name (NULL-ended) */
    int gates;                          /* weight blocks: LSTM 4 (i f c o), GRU 3 (z r h), else 1 */
    bool weighted;                      /* units, kernel, bias, reuse_factor */
    bool recurrent;                     /* recurrent_kernel, state; needs a sequence input */
    bool needs_act;                     /* "activation" is required */
    bool pass_type;                     /* shape-only: the result type is the input's */
    ShapeRule shape;
    int max_engines;                    /* engines lower.c makes of one layer, at most */
    const char *engines;                /* which (docs/architecture.md) */
} LayerKindInfo;
extern const LayerKindInfo layer_kinds[L_KIND_COUNT];
const LayerKindInfo *layer_kind(LayerKind k);
const char *layer_kind_name(LayerKind k);
bool layer_kind_by_name(const char *name, LayerKind *k);   /* model.json type */
bool layer_kind_by_keras(const char *cls, LayerKind *k);   /* Keras class_name */
bool layer_kind_takes(LayerKind k, const char *key);       /* a model.json key of this kind */
bool layer_key_known(const char *key);                     /* ... of any kind */
void layer_kind_list(char *out, size_t len);               /* "dense, lstm, ..." */
void keras_class_list(char *out, size_t len);              /* "InputLayer, Dense, ... (also ...)" */

/* ---- parse.c: model.json -> Model (weights as doubles, types resolved) ---- */
Model *parse_model(const char *path);
/* The same from text in memory (buf[len] == 0; freed); messages name path. */
Model *parse_model_text(const char *path, char *buf, size_t len);

/* ---- check.c: shapes, activations, names; fills the shape fields ---- */
void check_model(Model *m);

/* ---- quantize.c: weights to fixed point ---- */
void quantize_model(Model *m);

/* ---- vectors.c: input vector files ---- */
typedef struct {
    int n_seq, timesteps, features;
    double *values;             /* [n_seq][timesteps][features] */
} Vectors;
Vectors *read_vectors(const char *path, const Model *m);

/* ---- hls4ml.c: --numerics hls4ml's own designs (docs/numerics.md) ---- */
void set_numerics(Model *m, Numerics n);       /* the model's and every layer's */
const char *softmax_impl_name(SoftmaxImpl s);
bool softmax_impl_by_name(const char *name, SoftmaxImpl *out);
/* hls4ml's softmax (the layer's softmax_impl) of n values v of type in, into raws of ty.result */
void hls4ml_softmax(const Layer *l, const int64_t *v, int n, FxType in, int64_t *y);
void hls4ml_check(const Model *m);     /* layers the profile models; a user error otherwise */
void hls4ml_check_rtl(const Model *m); /* ... and those whose RTL is bit-exact to it */
bool hls4ml_sat_order(const Layer *l);  /* its products sum in hls4ml's order (rnnc_sat_sum) */
bool hls4ml_softmax_sat_order(const Layer *l); /* its softmax sums in nnet::reduce's order */
bool hls4ml_reuse_keeps_order(const Layer *l, int r); /* reuse factor r keeps hls4ml's order */

/* ---- tables.c: activation lookup tables (shared by emulator and emitter) ---- */
typedef struct {
    int n;              /* entries (power of two) */
    int scale_shift;    /* log2(N / (hi - lo)): index = trunc0(v * 2^scale_shift) + offset */
    int offset;
    FxType out;         /* entries are raw values of this type */
    int64_t *entries;
} Table;
/* The type of layer l's activation outputs: result, except the gates (and the LSTM's tanh(c)) of
 * a recurrent layer under hls4ml numerics, which hls4ml's lstm_static/gru_static keep in accum. */
FxType layer_gate_type(const Layer *l);
/* The table for activation a (sigmoid, tanh, hard_sigmoid) of layer l, entries of
 * layer_gate_type(l); NULL for linear/relu. */
Table *table_for(const Layer *l, ActKind a);
/* The same with entries cast to out (hls4ml numerics: a recurrent layer's gates in accum) */
Table *table_for_out(const Layer *l, ActKind a, FxType out);
/* The bits k with every output of activation a of layer l in [0, 2^k), read from its table
 * (rnnc_gru_cell Z_UBITS); 0: no table (linear, relu) or a negative entry. */
int act_ubits(const Layer *l, ActKind a);
/* hls4ml numerics, softmax stable/latency (hls4ml.c): its exp table (entries cast to the softmax
 * accum) and reciprocal table, indexed by an unsigned bit pattern; in: the softmax's input type */
Table *table_hls_exp(const Layer *l, FxType in);
Table *table_hls_inv(const Layer *l, FxType in);
/* hls4ml numerics, softmax legacy (hls4ml.c): its exp table (entries of the table type, indexed
 * by x_j - x_i of the softmax input's type) and reciprocal table (indexed by the table-typed sum,
 * entries cast to the result type); the table type's 1 (the term j == i) */
Table *table_hls_legacy_exp(const Layer *l);
Table *table_hls_legacy_inv(const Layer *l);
int64_t hls_legacy_one(const Layer *l);
Table *table_exp(const Layer *l);       /* softmax numerator */
Table *table_inv(const Layer *l);       /* softmax reciprocal */
int64_t table_lookup(const Table *t, wide_t raw, int frac);
/* Whether t's lower half mirrors its upper half bit for bit (rnnc_activation TABLE_MIRROR, half
 * the storage): t centred (offset n/2, n >= 8) and entry offset - k equal to entry offset + k XOR
 * *mask (the same out.w-bit mask for every 0 < k < n/2); *entry0: entry 0, which has no mirror.
 * Sigmoid and tanh with truncated entries do (1 - s and -s truncated are the complements). */
bool table_mirror(const Table *t, uint64_t *mask, uint64_t *entry0);

/* ---- emulate.c: the fixed-point and float models of the network ---- */
/* Runs one sequence; in: [timesteps][features] reals. out gets out_steps*out_feat values
 * (fixed: raw integers of m->out_type in out_raw; float: doubles in out_real). */
void emulate_fixed(const Model *m, const double *in, int64_t *out_raw);
void emulate_float(const Model *m, const double *in, double *out_real);
/* Quantized input raw values for one sequence (what the RTL is fed). */
void quantize_input(const Model *m, const double *in, int64_t *raw);
/* Print a raw value of type t so that it parses back exactly. */
void print_fixed(FILE *f, int64_t raw, FxType t);
/* Observing the emulators (precision.c): both runs report every value they compute, by the
 * layer (index in m->layers) and the tensor whose type holds it, at the same points in the
 * same order (so the n-th fixed value of a tensor pairs with its n-th float value). Product:
 * x * w before its cast to accum; accum: xw, pre-activations, GRU's r * hu; state: LSTM c;
 * result: gates, activations, h, layer outputs; input: the model input (layer 0 only).
 * emulate_observe(NULL, m) turns it off (the default). */
typedef enum { TN_INPUT, TN_PRODUCT, TN_ACCUM, TN_STATE, TN_RESULT, TN_COUNT } Tensor;
typedef struct EmuObserver EmuObserver;
struct EmuObserver {
    void (*on_float)(EmuObserver *o, int layer, Tensor t, double v);
    /* the value after its cast, and whether that cast overflowed (wrapped or saturated) */
    void (*on_fixed)(EmuObserver *o, int layer, Tensor t, double v, bool overflow);
};
void emulate_observe(EmuObserver *o, const Model *m);


/* ---- precision.c: types from ranges (--precision auto), the per-tensor trace ---- */
typedef struct {
    int width;                  /* auto:W, the width budget of weights, biases, results (0: no auto) */
    const char *calibrate;      /* --calibrate CAL.txt, or NULL: ranges bounded from the weights */
    double max_error;           /* --max-error E (> 0), or 0 */
    const char *write_config;   /* --write-config C.json, or NULL */
} PrecisionOptions;
/* m checked and quantized; sets every type the model did not set explicitly, re-checks and
 * re-quantizes m. */
void precision_choose(Model *m, const PrecisionOptions *po);
/* --trace: per layer and tensor, float and fixed ranges, max |fixed - float|, overflows. */
void precision_trace(FILE *f, const Model *m, const Vectors *v);
/* One warning on stderr when a cast overflows on v; returns the number of overflows. */
long precision_warn_overflow(const Model *m, const Vectors *v, const char *vec_path);
/* The types of m as an hls4ml-style configuration (--write-config), and into a model.json
 * tree (rnnc import with --precision auto). */
void precision_write_config(const Model *m, const char *path);
struct cJSON;
void precision_to_tree(const Model *m, struct cJSON *tree);
/* {"weight": ..., "result": ...}: the types layer l uses (report.json); the summary's lines */
struct cJSON *precision_layer_types(const Layer *l);
void print_types(FILE *f, const Model *m);

/* ---- lower.c: Model -> Netlist of engines joined by valid/ready streams ---- */

/* One product of a matrix-vector multiply: operand k times a weight. */
typedef struct { int k; int64_t w; } Term;

typedef struct {
    int n_terms;
    Term *terms;
    wide_t bias;        /* constant added before the final cast, raw at fx_frac(accum) */
    int extra;          /* index of an accum-typed extra input added in the tree, or -1 */
} MvmOut;

/* A product's placement (Mvm.place): output-major (NULL), x-first (plan_x_first), a GRU's xh
 * and hu of a unit paired (plan_pair_runs), a cell's rows in unit order (plan_unit_rows), or a
 * wavefront (plan_wave: an early group of units done first, its h read first). */
typedef enum { PLACE_OUTPUT_MAJOR, PLACE_X_FIRST, PLACE_PAIRED, PLACE_UNIT_ROWS, PLACE_WAVE } MvmPlacement;

/* A matrix-vector multiply over operands [0, n_in): operands [0, n_a) have type ta and use
 * weights of type wa, operands [n_a, n_in) type tb with weights of type wb. */
typedef struct {
    int n_in, n_a;
    FxType ta, tb, wa, wb;
    FxType accum;
    int n_out;
    MvmOut *outs;
    int rf;             /* reuse factor: each multiplier does up to rf products per job */
    /* derived by lower.c */
    int n_mult;         /* ceil(products / rf), or n_mult_set where that is more */
    int n_logic;        /* rf > 1: multipliers [n_mult - n_logic, n_mult) are built in logic
                         * (rnnc_product LOGIC, rnnc_lut_mul), the others in DSP blocks; the
                         * same product and timing (a dense layer's logic_multipliers) */
    int n_mult_set;     /* > 0: at least this many multipliers, rf slots each (a wavefront's room:
                         * the multipliers of a smaller rf, spare slots in every step; plan_wave) */
    int n_products;
    int depth;          /* adder-tree stages */
    int latency;        /* start cycle -> cycle the accum values are available */
    int mac_lat;        /* rf > 1: the MAC's stages (mvm_mac_lat; rnnc_mac PROD_REG): 2, the product
                         * registered, then the sum; 1 on UltraScale+ (the DSP48E2 does both in one) */
    int prod_reg;       /* rf == 1: the registers after each product (mvm_prod_reg; rnnc_product
                         * REG): 1, or 2 on xc7 (the DSP48E1's MREG and PREG) */
    int rom_reg;        /* rf > 1 on slow parts (mvm_rom_reg): a register after the schedule ROM, and one
                         * more between the operand multiplexer and the MAC */
    bool first_skip;    /* an x-first cell whose first step skips its h runs (lower.c
                         * cell_first_skip, plan_first_period) */
    int share_reg;      /* 1 on MACs shared with other engines (lower_share): the top registers
                         * each sharer's operand, weight and flags before their AND-OR into the
                         * MAC, one cycle more per job (timing: bench/results/share_stage_probe.txt) */
    bool direct;        /* rf > 1, each output a single run without extra: no adder tree */
    bool sat_order;     /* hls4ml numerics, saturating accum: each output summed in hls4ml's
                         * order (bias, products, extra), cast after every addition
                         * (rnnc_sat_sum's chain) instead of an adder tree */
    int guard_w;        /* adder-tree width */
    int fanin;          /* adder-tree stage: operands between registers (Netlist.fanin) */
    FxType op_t, w_t;   /* common operand and weight types (exact alignment) */
    int *place;         /* rf > 1: product q (output-major, terms in order) at position place[q]
                         * (multiplier place / rf, slot place % rf); NULL: at q */
    MvmPlacement placement; /* what place holds: lower.c's x-first (plan_x_first), paired
                             * (plan_pair_runs), unit-order (plan_unit_rows) or wavefront
                             * (plan_wave) placement of a cell */
    bool x_even;        /* x-first with the same x count on every multiplier (plan_x_first even) */
} Mvm;
/* A wavefront's trees (PLACE_WAVE) have pre-sums: each output's items that are final a stage or
 * more before its latest are summed ahead (OutPlan.n_pre), so that the last stage takes their sum
 * and the late items (plan_trees). */
static inline bool mvm_pre_sum(const Mvm *v) { return v->placement == PLACE_WAVE; }
/* The position of product q: its multiplier is the position / rf, its slot the position % rf. */
static inline long mvm_pos(const Mvm *v, long q) { return v->place ? v->place[q] : q; }
bool mvm_run_starts(const Mvm *v, long q0, int t); /* lower.c: term t of the output at q0 starts a run */

/* ---- plan.c: how one Mvm is built (which multiplier does which product in which slot, the
 * schedule ROM's words, the captures, the adder trees); emit_verilog.c prints it ---- */

/* One multiplier's schedule-ROM word in one slot. The bit layout is RomLayout's alone. */
typedef struct {
    bool valid, first, last;    /* a product this slot; it starts / ends a partial sum */
    int k;                      /* operand index */
    wide_t w;                   /* weight, raw at the common weight type w_t */
} RomWord;
/* Bit positions of a word's fields: w in [w_lo, w_lo + w_w), k in [k_lo, k_lo + k_w). */
typedef struct { int w_lo, w_w, k_lo, k_w, last, first, valid, width; } RomLayout;
RomLayout rom_layout(int k_w, int w_w);
void rom_pack(const RomLayout *l, const RomWord *wd, unsigned char *bits); /* one char a bit */
RomWord rom_unpack(const RomLayout *l, const unsigned char *bits);

typedef enum {
    MVM_PARALLEL,   /* rf == 1: one constant-weight product per term */
    MVM_ROM,        /* rf > 1: the ROM holds whole words */
    MVM_REGULAR,    /* rf > 1: counters make k (= slot mod n_in) and the flags; ROM: weights */
    MVM_RUNS,       /* rf > 1: counters walk a few segments of identical runs; ROM: weights */
} MvmForm;
typedef struct { int k0, len, cnt; } RunSeg;   /* cnt runs k0, k0+1, .., k0+len-1 */
#define MVM_MAX_RUN_SEGS 4

/* An adder-tree item: all products of the output (PARALLEL), capture idx of multiplier m
 * (PART: a register; MAC: the last one, still in the MAC; CAP_MAC: read from the MAC in the cycle
 * it would be captured, which is the cycle its tree loads: plan_mac_reads), the bias, extra input
 * idx, or 0. */
typedef enum { ITEM_PRODUCTS, ITEM_PART, ITEM_MAC, ITEM_CAP_MAC, ITEM_BIAS, ITEM_EXTRA, ITEM_ZERO } TreeItemKind;
typedef struct { TreeItemKind kind; int m, idx; } TreeItem;

typedef struct {
    int n_parts, *part_m, *part_idx;   /* rf > 1: its partial sums: multiplier, capture index */
    int k0, n_terms;                    /* PARALLEL: operands k0 .. k0+n_terms-1 ... */
    wide_t *w;                          /* ... times these weights (at w_t) */
    int n_items, cap_items, n_elems;    /* tree items; n_elems: tree inputs (products count) */
    int n_pre, pre_depth;               /* mvm_pre_sum: items [0, n_pre) summed ahead by a tree of
                                         * pre_depth stages (loaded every cycle), their sum an input
                                         * of the last tree with the others; 0: one tree */
    TreeItem *items;
} OutPlan;

typedef struct {
    int n_caps, *cap_out;   /* partial sums per job; capture i belongs to output cap_out[i] */
    int cap_w;              /* bits of the capture index pc */
    bool track;             /* captures are counted (direct, or more than one) */
    int n_regs;             /* capture registers in the product (the rest: MAC or caller) */
    int x_caps;             /* its leading runs of x terms only (plan_x_runs; -1: a run mixes
                             * x and h, or an x run follows an h run) */
    int bias_w;             /* direct: the bias table's signed width */
    bool bias_staged;       /* direct: the bias looked up in two registered stages */
    bool cap_gap;           /* direct: its captures at least 2 cycles apart (a bank's address
                             * from the capture index may be registered: mvm_banks_multi) */
    bool *cap_pre;          /* [n_caps] mvm_pre_sum: capture i is an item of its output's pre-sum */
    bool *cap_mac;          /* [n_caps] capture i is read from the MAC (ITEM_CAP_MAC): no register */
    int rows;               /* MVM_REGULAR: its rows (n_in slots each) from slot 0; fewer than
                             * rf / n_in on a short multiplier, idle in the slots after them */
} MultPlan;

/* An operand group (MVM_ROM form, operands not from a memory): multipliers that read the same
 * operand in every slot where more than one of them works share one operand multiplexer, and
 * it spans only the operands the group reads (plan_operand_groups). */
typedef struct {
    int lead;               /* the multiplier whose ROM word's k field holds the group's select */
    int n_sup, *sup;        /* the operands it reads, ascending: the multiplexer's inputs */
    int sel_w;              /* bits of the select (the index into sup), >= 1 */
    int *sel;               /* [rf] the select in each slot */
    int n_members;          /* multipliers in the group */
} OpGroup;

typedef struct {
    bool op_mem;            /* rf > 1: the operands are read from a memory */
    bool serial;            /* the caller takes direct captures one at a time */
    int banks, bank_n;      /* the caller takes direct captures through banks of memories */
    bool bank_per_mult;     /* ... one bank per multiplier (banks = n_mult), its captures in
                             * order; else output j to bank j / bank_n, address j % bank_n */
    int units, wave_units;  /* a wavefront (Engine.wave_units): outputs j with j % units <
                             * wave_units load their trees wave_lead slots before the others */
    int wave_lead;
    bool shape_only;        /* plan_shape: the words, form and operand groups only (no captures,
                             * trees or latency) */
} MvmPlanOpts;

typedef struct {
    const Mvm *v;
    MvmPlanOpts opt;
    MvmForm form;
    bool direct;            /* no adder trees: each output one multiplier's capture */
    bool mux_split;         /* the operand multiplexer split in groups of 4 across the extra stage */
    int fanin, n_mult, rf, slot_w, rom_reg;
    int x_stop;             /* the last slot of any multiplier's x runs (plan_x_runs; -1: none) */
    RomLayout lay;
    int rom_w;              /* bits per multiplier in the ROM file */
    RomWord *rom;           /* rf > 1: [slot][multiplier], plan_word() */
    int pair_from;          /* MVM_REGULAR: from this row on (rf / n_in rows per multiplier, in
                             * multiplier order) each row is an x run and an h run, first and last
                             * also at n_a and n_a - 1 (a paired placement, plan_pair_runs); -1: none */
    int n_seg;              /* MVM_RUNS */
    RunSeg seg[MVM_MAX_RUN_SEGS];
    int n_opg;              /* MVM_ROM: operand groups (0: operands from a memory, each
                             * multiplier reads its own port) */
    int *opg;               /* [n_mult] the operand group of each multiplier */
    OpGroup *grp;           /* [n_opg] */
    MultPlan *mult;         /* [n_mult] */
    OutPlan *out;           /* [n_out] */
    int depth;              /* adder-tree stages, from the items */
    int last_read;          /* rf > 1: job cycle (from the product's start) of the last operand read */
    int latency;            /* start -> accum values available, from the pipeline */
} MvmPlan;
MvmPlan *plan_mvm(const Mvm *v, const MvmPlanOpts *opt);
void plan_free(MvmPlan *p);
const RomWord *plan_word(const MvmPlan *p, int slot, int m);
void plan_rom_bits(const MvmPlan *p, int s, int m, unsigned char *bits); /* rom_w bits */
int *plan_x_first(const Mvm *v, bool tails_last, bool even); /* a fused cell's x products first on every multiplier (Mvm.place) */
int *plan_pair_runs(const Mvm *v); /* a GRU's xh and hu of one unit in adjacent slots (Mvm.place) */
int *plan_unit_rows(const Mvm *v, int units); /* a cell's rows unit by unit, dealt to the multipliers in turn (Mvm.place) */
/* The wavefront's slot bands (plan_wave), with units [0, early) the early group: x products in
 * slots [0, xs); the early rows' h products in [xs, sa], those reading a late unit's h from hb
 * on; the late rows' from xs (an early unit's h) or hb (a late unit's) to the last slot. */
typedef struct { int early, xs, hb, sa; } WaveBands;
typedef struct { int units; long x, *pair; } WaveCounts; /* x products; pair[row's unit * units + h's unit]: h products */
WaveCounts plan_wave_counts(const Mvm *v, int units); /* free pair */
bool plan_wave_bands(const WaveCounts *c, int n_mult, int rf, int early, int overhead, WaveBands *b); /* the best fitting */
int *plan_wave(Mvm *v, int units, const WaveBands *b); /* Mvm.place (v's terms reordered), NULL if it does not fit */
long plan_place_logic(const Mvm *v); /* the operand multiplexers' inputs and partial sums of v's placement */
int plan_pre_depth(const Mvm *v); /* the trees' depth with pre-sums (mvm_pre_sum), from the positions */
int plan_last_x_read(const Mvm *v); /* job cycle of the last read of an operand below n_a, or -1 */
typedef struct { MvmForm form; int mux_w; } MvmShape; /* mux_w: the most operands a multiplier reads */
MvmShape plan_shape(const Mvm *v);  /* the form plan_mvm gives v (MVM_PARALLEL at rf 1) */

typedef enum { ENG_DENSE, ENG_CELL, ENG_FLATTEN, ENG_REVERSE, ENG_ACT, ENG_SOFTMAX, ENG_MERGE, ENG_BUFFER } EngineKind;
#define ENG_KIND_COUNT (ENG_BUFFER + 1)      /* the last kind + 1 */

/* The netlist is a graph: every engine names the stream each of its inputs comes from, a
 * producer's output port. A stream may feed several inputs (a fork: the top gives each its
 * own handshake, rnnc_stream_fork); an engine may take several streams (a join: MERGE). */
#define RNNC_IN_MAX 2           /* inputs per engine (MERGE: 2) */
#define RNNC_INPUT (-1)         /* PortRef.eng of the model input */
typedef struct {
    int eng;                    /* producer engine index, or RNNC_INPUT */
    int port;                   /* its output port (every engine has one: 0) */
} PortRef;
extern const char *const engine_kind_names[ENG_KIND_COUNT];     /* kinds.c: report, --dump */
const char *engine_kind_name(EngineKind k);

typedef struct {
    EngineKind kind;
    int n_in;                            /* inputs: 1, MERGE 2 */
    PortRef in[RNNC_IN_MAX];             /* where each input comes from (producers come first) */
    FxType in1_t;                        /* MERGE: the second input's type (in1_n elements) */
    int in1_n;                           /* MERGE: elements of the second input */
    MergeMode merge;                     /* MERGE: sum (the default), mul, ave or concat */
    char name[2 * RNNC_NAME_MAX + 16];   /* Verilog module name */
    char role[16];                       /* "proj", "cell", "dense", ... */
    const Layer *layer;
    int in_n, out_n;                     /* elements per input / output beat */
    FxType in_t, out_t;
    ActKind act;                         /* DENSE/ACT: activation; DENSE with linear on accum = proj */
    bool act_none;                       /* DENSE: output cast_A(acc) (projection, pre-softmax) */
    Mvm mvm, mvm2;                       /* CELL GRU reset_after=false uses mvm2 */
    bool split;                          /* CELL: takes xw (accum) beats from a proj engine */
    bool split_auto;                     /* CELL: split chosen by lower.c (no recurrent_reuse_factor) */
    bool emit_all;                       /* CELL: return_sequences */
    int steps;                           /* FLATTEN / REVERSE / BUFFER: beats per sequence */
    int latency;                         /* MAP engines: job start -> output valid */
    int period;                          /* CELL: job start -> the earliest next start when the
                                          * next step overlaps this one's drain (< latency;
                                          * plan_cell_period), else 0: one job at a time */
    int first_period;                    /* CELL: a sequence's first step's period, its h products
                                          * skipped (plan_first_period), else 0 */
    int wave_units;                      /* CELL, a wavefront (PLACE_WAVE): units [0, wave_units)
                                          * are the early group, whose gate sums are done first
                                          * (their trees load, their lanes start and their h is
                                          * written wave_lead cycles before the others'); else 0 */
    int wave_lead;
    int ack_off;                         /* >0: reads s_axis_tdata in place and takes the beat
                                          * (tready) this many cycles after the job starts */
    bool vec_out, vec_in;                /* the output vector goes to the next engine through a
                                          * memory it owns, written element by element (m_vec_*
                                          * / s_vec_* ports instead of tdata); see lower.c */
    int cell_lat;                        /* CELL: unit in (cycle t) -> h_new valid (t+cell_lat) */
    int oa_reg;                          /* CELL, LSTM's parallel lanes: o * act(c) registered
                                          * before h's cast (lower.c lstm_oa_reg, rnnc_lstm_cell
                                          * OA_REG) */
    int cell_start;                      /* CELL: job cycle the first slot enters the cells (direct
                                          * form: before the product ends, plan_lane_start) */
    int lanes, slots;                    /* CELL: elementwise cells, units per cell */
    int lane_reg;                        /* CELL: 1 when the lane inputs are registered (slots > 1) */
    int lane_ii;                         /* CELL: cycles between a lane's units: 1, or 3 when its
                                          * products share one multiplier (rnnc_*_cell_serial) */
    int lane_span;                       /* CELL, lane_ii > 1: a unit's first product -> its last */
    bool tree_hold;                      /* CELL, fused, R > 1, adder trees: the gate sums' trees
                                          * load their last stage once per step, when the sums are
                                          * complete (rnnc_adder_tree ld), so the next step may
                                          * overwrite their inputs while the lanes still read
                                          * (plan_cell_period) */
    bool zh_lut;                         /* CELL, GRU reset_after, lane_ii 1: each lane's z * h_prev
                                          * in logic (rnnc_gru_cell ZH_LUT, rnnc_lut_mul over the
                                          * cycles it waits anyway), one multiplier block fewer:
                                          * lane_multipliers 2 */
    bool h_fwd;                          /* CELL, overlapped: the products read h write-first (the
                                          * value being written in that cycle), so a step may read
                                          * h[k] in the cycle the previous step writes it (lower.c,
                                          * cell_h_forward: Xilinx) */
    bool lane_align3;                    /* CELL, lane_ii > 1: a lane's products in cycles that keep
                                          * units lane_ii apart apart (rnnc_gru_cell_serial's ALIGN3);
                                          * false for a GRU lane of one unit per step (lower.c) */
    bool lane_hh_direct;                 /* CELL GRU, lane_ii > 1: the candidate's table reads
                                          * xw + r * hu unregistered (rnnc_gru_cell_serial
                                          * PRE_HH_REG 0; serial_hh_direct) */
    int mvm2_start;                      /* CELL GRU ra=0: cycle offset of mvm2's start */
    int sm_max_depth, sm_sum_depth;      /* SOFTMAX tree depths */
    bool sm_sat_order;                   /* SOFTMAX, hls4ml: the exp sum in nnet::reduce's order
                                          * (rnnc_sat_sum's pairwise tree, sm_sum_depth levels) */
    int n_mult;                          /* multipliers in the matrix products */
    int n_elem_mult;                     /* multipliers in the elementwise part */
    long weight_bits;
    /* Shared multipliers (lower_share, docs/architecture.md "Shared multipliers"): a cell (the
     * host) lends its matrix product's MACs to the DENSE engines after it (the guests): guest
     * multiplier m runs on host MAC m, under a token passed host -> guest 1 -> .. -> host. */
    int mac_owner;                       /* 0: not sharing; 1: the host; 2..: guest mac_owner - 1 */
    int mac_host;                        /* sharing: the host's engine index */
    int mac_owners;                      /* the host: 1 + its guests, <= RNNC_MAC_OWNERS_MAX */
    int rom_base;                        /* a guest whose schedule ROM words lie in its host's ROM,
                                          * from this word on (lower_share_roms), else 0 */
    int rom_depth;                       /* the host: its schedule ROM's words with its guests'
                                          * (0: none lent; the ROM holds its own rf words) */
    bool host_weights;                   /* a guest with rom_base whose weights the host's pipeline
                                          * delivers too (both REGULAR, one weight type): the
                                          * shared MACs take the host's weight register for it */
} Engine;

bool plan_cell_banked(const Engine *e);  /* plan.c: a cell's gate sums and c in memories */
#define PLAN_BANKS_MAX 8 /* banks of a cell's gate sums (one per multiplier: that many at most) */
MvmPlanOpts plan_cell_opts(const Engine *e); /* plan.c: the options of its plan */
MvmPlanOpts plan_engine_opts(const Engine *e, const Mvm *v); /* plan.c: the options of product v's plan */
int plan_first_period(const Engine *e, const MvmPlan *pl); /* plan.c: 0, or the first step's shorter period */
bool plan_mult_skips(const MvmPlan *pl, int m); /* plan.c: multiplier m's captures end early in a first step */
int plan_mult_strays(const MvmPlan *pl, int m); /* plan.c: its h runs a first step issues, 0 or 1 */
bool plan_mult_zmac(const MvmPlan *pl, int m);  /* plan.c: its kept run masked after a first step's x runs */
int plan_cell_period(const Engine *e, const MvmPlan *pl); /* plan.c: the overlapped step period */
int plan_wave_lead(const Engine *e, const MvmPlan *pl); /* plan.c: cycles a wavefront's early group leads */
int plan_wave_overhead(const Engine *e); /* plan.c: O of a cell with one lane per unit */
int plan_lane_start(const Engine *e, const MvmPlan *pl, int latest); /* plan.c: a direct product's lanes' earliest start */
/* plan.c: the recurrence floor of a fused cell's step (plan_loop_floor) */
typedef struct {
    int n_all, n_h;     /* products per step, h products among them */
    int first, last;    /* job cycles of the step's first and last h read */
    int overhead;       /* O: the fewest cycles from a unit's rows' last h read to its h's first
                         * read by the next step (the product, tree and lane stages) */
    int rule;           /* the period the h reads of this order need: max over units of
                         * (next step's first read of its h allowed) - (this step's first read) */
    int floor;          /* O + ceil((ceil(n_h / n_mult) - 1) / 2): any order on these multipliers */
} LoopFloor;
LoopFloor plan_loop_floor(const Engine *e, const MvmPlan *pl);
/* Job start -> the earliest next start of a MAP engine (its latency unless jobs overlap). */
static inline int eng_period(const Engine *e) { return e->period ? e->period : e->latency; }
/* cycles a sequence's first step saves (period and latency both that much shorter) */
static inline int eng_first_skip(const Engine *e) { return e->first_period ? e->period - e->first_period : 0; }
bool plan_banks_ok(const Mvm *v, int bank_n); /* plan.c: captures into banks, one write each a cycle */
bool plan_link_ok(const Mvm *v); /* plan.c: direct captures through one write port (memory link) */
/* A memory link from several multipliers: its captures go down a chain into one activation
 * (emit_verilog.c dense_link_chain), its strobes reset. */
static inline bool eng_link_chain(const Engine *e) { return e->vec_out && e->mvm.n_mult > 1; }

typedef struct Netlist {
    const Model *model;
    Engine *eng;
    int n, cap;         /* engines, in topological order; room for cap (netlist_add checks) */
    PortRef out;        /* the stream that leaves the design (m_axis) */
    /* the reference outputs of one sequence for --sim (NULL: emulate_fixed of the model; a
     * hand-built netlist brings its own, tests/graph) */
    void (*reference)(const struct Netlist *n, const double *in, int64_t *out_raw);
    int fanin;          /* adder-tree stage: operands between registers (adder_fanin) */
    bool tree_chain;    /* adder-tree stages as two-input adders on carry chains (rnnc_sum_stage CHAIN;
                         * Xilinx: Yosys's compressor for 4+ values takes ~3x the LUTs; a chained
                         * 8-value stage meets UltraScale+'s clock, and on xc7 it is faster than
                         * the compressor: bench/results/xilinx_timing.md) */
    int table_reg;      /* 1: activations register their table index (slow parts, e.g. iCE40) */
    int act_lat;        /* cycles per activation: 1 + table_reg */
    const char *family; /* the resource model's device family (resources.c; NULL: ice40) */
    bool ultrascale;    /* UltraScale+'s fabric (res_ultrascale): one-stage MACs (mvm_mac_lat), serial GRU
                         * lanes' pre_hh unregistered (serial_hh_direct), chained tree stages */
    const bool *share_hint; /* lowering only: engine i's MACs are shared (lower_model_family's
                             * second pass; its products then have share_reg) */
} Netlist;

#define RNNC_FANIN 5   /* adder-tree stage: at most this many operands between registers */
#define RNNC_FANIN_LUT6 8 /* the same on Xilinx's LUT6 fabric (adder_fanin) */
#define RNNC_FANIN_XC7 4 /* the same for products' sums on xc7 (lower.c mvm_fanin) */
#define RNNC_XILINX_MUX_REG 32 /* wider operand multiplexers take the ROM register on Xilinx (lower.c mvm_rom_reg) */
#define RNNC_SAT_ADDS 4 /* rnnc_sat_sum's chain: additions (each cast) between registers */

#define RNNC_MAC_OWNERS_MAX 32 /* a host and its guests (rnnc_mac_token's N) */
Netlist *lower_model(const Model *m, int table_reg);
/* lower_model for a device family (resources.c's names; NULL: ice40): Netlist.family, and the
 * pipelining the family's fabric wants (adder_fanin); ultrascale: res_ultrascale */
Netlist *lower_model_family(const Model *m, int table_reg, const char *family, bool ultrascale);
void netlist_free(Netlist *n);                          /* a netlist and what lowering allocated for it */
int adder_fanin(const char *family);
/* lower.c: the common MAC format of a sharing host's multiplier m (operand, weight; the accum
 * is every sharer's); its sharers' engine indices into who (returns how many). */
int share_mac_sharers(const Netlist *n, int host, int m, int *who, int max);
void share_mac_types(const Netlist *n, int host, int m, FxType *op, FxType *wt, int *guard_w);
/* Building blocks of lower_model, also for netlists built by hand (tests/graph): an empty
 * netlist with room for cap engines; an engine appended with its inputs (a bug past cap or
 * with an input that is not an earlier engine); a layer's DENSE (+ SOFTMAX) on stream in; a
 * MERGE adding streams a and b elementwise, cast to out_t; the finishing pass (memory links,
 * totals, the graph checked: widths and types of every stream, every output consumed). */
Netlist *netlist_new(const Model *m, int table_reg, int cap);
Engine *netlist_add(Netlist *n, EngineKind kind, const Layer *l, const char *role, int n_in, const PortRef *in);
PortRef lower_dense(Netlist *n, const Layer *l, FxType in_t, PortRef in);
PortRef lower_merge(Netlist *n, const Layer *l, PortRef a, PortRef b, FxType out_t);
void netlist_finish(Netlist *n);
/* The inputs a stream feeds (consumer engine and input slot; eng == n->n: the design's
 * output), at most max of them; returns how many there are. src: producer index or RNNC_INPUT. */
typedef struct { int eng, slot; } Sink;
int stream_sinks(const Netlist *n, int src, Sink *out, int max);
int clog2i(long v);
int mvm_sum_depth(int n, int fanin, bool sat_order); /* stages summing n items */
bool mvm_whole_runs(long n_out, int nt, long rf);     /* every output on one multiplier */

/* ---- schedule.c: latency and initiation interval by a cycle-accurate model of the
 * engines' handshakes (the same control the RTL implements) ---- */
typedef struct {
    long latency_cycles;        /* first input beat accepted -> last output beat of sequence 0 */
    long ii_cycles;             /* steady-state cycles between sequence starts */
    long *seq_start, *seq_end;  /* per simulated sequence */
    int n_seq;
} Schedule;
#define RNNC_II_SEQ 8           /* sequences streamed to measure the II */
Schedule *schedule_netlist(const Netlist *n, int n_seq);
void dump_schedule(FILE *f, const Netlist *n, const Schedule *s);

/* ---- emit_verilog.c, emit_sim.c, emit_report.c ---- */
void emit_verilog(const Netlist *n, const Schedule *s, const char *dir);
void emit_sim(const Netlist *n, const Schedule *s, const char *dir);
void emit_report(const Netlist *n, const Schedule *s, const char *dir);
void print_summary(FILE *f, const Netlist *n, const Schedule *s);

/* ---- emit_ref.c: DIR/model/<name>_ref.h, .c, _ref_main.c: a bit-exact C99 reference model of
 * the design (emulate_fixed specialised to the model), for users' own benches ---- */
void emit_ref(const Model *m, const char *dir);

/* ---- files.c: output directories written atomically (staging dir, then rename) ---- */
char *stage_begin(const char *dir);             /* returns the staging path */
void stage_commit(const char *stage, const char *dir);
void stage_abort(const char *stage);
FILE *xfopen_w(const char *dir, const char *rel); /* creates parent dirs */
/* Closes a file of xfopen_w; a user error naming it when any write or the close failed, or when
 * the output passes RNNC_MAX_OUTPUT_BYTES. */
void xfclose(FILE *f);
struct cJSON;
void write_json_tree(const char *dir, const char *rel, struct cJSON *root); /* prints, then frees root */
void copy_file(const char *from, const char *dir, const char *rel);
const char *rnnc_datadir(void);                 /* where rtl_lib/ and sim/ live */

/* ---- spawn.c: external tools, started with an argument vector (never a shell) ---- */
/* Runs argv (argv[0] found on PATH) in dir (NULL: here) with stdout and stderr into log (a path
 * relative to dir); label: show the elapsed time on stderr while it runs. Returns its exit
 * status (128 + signal when killed, 127 when it cannot start). */
int run_tool(const char *const *argv, const char *dir, const char *log, const char *label);
bool tool_on_path(const char *name);
/* The last non-empty line of what argv prints (stdout and stderr), "" when none. */
void tool_output_line(const char *const *argv, char *out, size_t len);
/* The last lines of dir/rel on stderr ("(no log)" when it cannot be read). */
void tail_file(const char *dir, const char *rel, int lines);

/* ---- emit_flow.c, flow.c: synthesis, place and route, reports (--target) ---- */
typedef struct {
    const char *target;         /* ice40, generic, xilinx, ecp5 */
    const char *device;         /* ice40: up5k, hx8k, hx1k, lp8k; ecp5: 85k, 45k, 25k, 12k */
    const char *package;
    const char *family;         /* xilinx: xc7, xcup */
    const char *part;           /* xilinx: --part (flow_devices), or NULL: no fit check */
    double clock_mhz;
    const char *post_synth;     /* vector file for the post-synthesis simulation, or NULL */
    int seed;                   /* nextpnr's --seed in DIR/Makefile (0: 1); run_flow sets the kept one */
} FlowOptions;
/* ---- parts.c: the devices and parts --target knows, in one table ----
 * iCE40/ECP5 devices (--device): sizes for the fit check and the default package (the board rnnc
 * has pin files for); Xilinx parts (--part): LUT6, flip-flops, DSP48, block RAM, UltraRAM, the
 * synth_xilinx family, the default clock, and as package a package and speed grade (Vivado's part
 * is name + package). The first row of a target is its default. */
typedef struct {
    const char *target, *name, *package;
    int lut, bram, dsp, spram;  /* LUTs (iCE40/ECP5: LUT4s, as many flip-flops; Xilinx: LUT6), block
                                 * RAMs (iCE40: 4 kbit, ECP5: DP16KD, Xilinx: 36 kbit), multipliers
                                 * (SB_MAC16, MULT18X18D, DSP48E1/E2), iCE40 SPRAMs */
    int ff, uram;               /* Xilinx: flip-flops, UltraRAMs (0 elsewhere: ff as many as lut) */
    const char *family;         /* Xilinx: synth_xilinx -family (xc7, xcup); NULL elsewhere */
    double clock_mhz;           /* default --clock */
} Device;
extern const Device flow_devices[];
/* name NULL: the target's default device; returns NULL for a name that is not the target's */
const Device *flow_device(const char *target, const char *name);
/* A device or part of any target by name (xc7a35t, xcu250, up5k, 85k ...), or NULL. */
const Device *part_find(const char *name);
/* The names of a target's devices, ", "-separated, into buf. */
void part_names(const char *target, char *buf, size_t len);
/* A device's flip-flops: Device.ff, or as many as LUTs (iCE40, ECP5). */
int part_ff(const Device *d);
/* ---- timing.c: the Fmax estimate of --target xilinx (static timing of Yosys's netlist) ---- */
typedef struct {
    double period_ns, fmax_mhz;  /* the critical path, setup included, and 1 / it */
    int levels;                  /* cells between its start and its end */
    char from[200], to[240];     /* its start and end: cell (type) [pin] */
    int untimed_cells, loops;    /* cells of a type without timing; combinational loops cut */
} TimingEstimate;
/* dir/rel: Yosys's JSON netlist of module top, mapped for family (xc7, xcup); writes the path to
 * dir/logs/timing.txt. false when the netlist cannot be read or has no timed end. */
bool timing_estimate(const char *dir, const char *rel, const char *top, const char *family, TimingEstimate *t);
void emit_flow(const Netlist *n, const FlowOptions *fo, const char *dir);
void emit_makefile(const Netlist *n, const FlowOptions *fo, const char *dir); /* DIR/Makefile alone */
/* mhz a clock the target's board top can run at (its PLL's range); else false, why says the range */
bool flow_clock_ok(const char *target, double mhz, char *why, size_t n);
/* Place and route: a board top whose Fmax misses the clock by at most RNNC_SEED_MARGIN (a
 * fraction of the clock) is placed again with the next nextpnr seeds, RNNC_PNR_SEEDS placements
 * in all (seeds 1, 2, 3), before the flow gives up on it; the fastest is kept (docs/flow.md). */
#define RNNC_PNR_SEEDS 3
#define RNNC_SEED_MARGIN 0.20 /* seed-to-seed spread at 90% of the UP5K's cells: 42.03 / 52.05 / 51.28 MHz */
void emit_uart(const Netlist *n, const char *dir);    /* the portable UART front end (always) */
#define RNNC_UART_SIM_CPB 8                            /* clocks per bit in the UART simulation */
int run_flow(const Netlist *n, const Schedule *s, const FlowOptions *fo, const char *dir);

/* ---- board.c: stream vectors through a board's UART front end (--board PORT) ---- */
int run_board(const Model *m, const Vectors *v, const char *port);

/* ---- simulate.c: build and run the emitted design, compare with the emulator ---- */
/* stall: a seed for random stalls on both streams (--stall), or -1 for none */
int run_simulation(const Netlist *n, const Schedule *s, const Vectors *v, const char *dir,
                   const char *tool, long stall);
/* --waves: later runs also write DIR/sim/waves.fst (Verilator) or waves.vcd (Icarus) */
void sim_set_waves(bool on);

/* ---- keras.c, keras_config.c: Keras models (.h5, architecture JSON + weights .h5, .keras)
 * and hls4ml-style configuration (docs/keras.md). A Keras model becomes an rnnc-model/1 JSON
 * tree, which parse_model reads: the Model is exactly what the same model.json gives. ---- */
typedef struct {
    const char *weights;        /* --weights W.h5 (with an architecture JSON) */
    const char *config;         /* --config C.json, hls4ml-style */
    const char *precision;      /* --precision P: the model default type */
    int reuse;                  /* --reuse N: the model default reuse factor (0: not given) */
    int timesteps;              /* --timesteps N (0: not given) */
    const PrecisionOptions *prec; /* rnnc import: --precision auto, --write-config (or NULL) */
} KerasOptions;
/* A .h5/.hdf5/.keras file, HDF5 or zip content, or a JSON with "class_name" at the top. */
bool is_keras_model(const char *path);
Model *load_keras(const char *path, const KerasOptions *opt);
/* Any model file: Keras through load_keras, else parse_model with the options applied. */
Model *load_model(const char *path, const KerasOptions *opt);
/* rnnc import: the rnnc-model/1 JSON of any model file, to out (NULL or "-": stdout). */
void import_model(const char *path, const KerasOptions *opt, const char *out);
/* keras_config.c (used by keras.c). refs: per rnnc layer, its Keras name and class (NULL
 * for a model.json); input_name: the Keras InputLayer's name or NULL. */
struct cJSON;
/* act: the Keras name of an Activation folded into this layer (a Dense + softmax), or NULL */
typedef struct { const char *name, *cls, *act; } KerasLayerRef;
void keras_apply_options(struct cJSON *tree, const KerasOptions *opt, const KerasLayerRef *refs,
                         const char *input_name, const char *file);
char *rnnc_json_print(const struct cJSON *tree);       /* numbers exact (%.17g at most) */
/* hls4ml's project configuration: ClockPeriod, and with find_model where the model is
 * (KerasH5, KerasModel, or KerasJson + KerasWeights, relative to the file's folder, checked to
 * open); NULL/0 when the file does not say. */
typedef struct { char *model, *weights; double clock_ns; } ConfigProject;
void keras_config_project(const char *config, bool find_model, ConfigProject *out);
/* yaml.c: a YAML file as the cJSON tree of the same JSON. */
struct cJSON *yaml_read_file(const char *path);
/* A model's name made a safe identifier (fallback when nothing is left); out[RNNC_NAME_MAX]. */
void safe_name(const char *in, const char *fallback, char *out);

/* ---- onnx.c: ONNX models (PyTorch's torch.onnx.export; docs/pytorch.md), read with
 * libprotobuf-c (schema subset compiler/onnx.proto). The graph, followed from its input as one
 * chain of layers, becomes an rnnc-model/1 JSON tree like a Keras model's. ---- */
bool is_onnx_model(const char *path);   /* .onnx, or content that starts like a ModelProto */
struct cJSON *onnx_tree(const char *path, const KerasOptions *opt);

/* ---- resources.c: predicted DSP, LUT, FF and block RAM per engine for a device family
 * (ice40, ecp5, xilinx), from the netlist and each product's plan (docs/resources.md) ---- */
enum { RES_ENGINE, RES_MULT_REGS, RES_ACC, RES_OPMUX, RES_VECTOR, RES_LANE_LSTM, RES_LANE_GRU, RES_LANE_RNN, RES_LANE_MUX,
       RES_ROM_LOGIC, RES_ROM_WORD, RES_ACT, RES_SUM_REGS, RES_LUTRAM, RES_TABLE_LOGIC, RES_SERIAL, RES_TREE_REGS,
       RES_LANE_SERIAL, RES_TREE_ADD, RES_PARTS, RES_FEATURES };
extern const char *const res_feature_names[RES_FEATURES];
typedef struct { long dsp, bram; double lut, ff; double feat[RES_FEATURES]; } EngineResources;
typedef struct { long dsp, lut, ff, bram; } Resources;
const char *res_family(const char *target);             /* --target -> cost-table family */
bool res_ultrascale(const char *target, const char *xfamily); /* UltraScale+'s fabric (Netlist.ultrascale) */
EngineResources res_engine(const Netlist *n, int i, const char *family);
Resources res_netlist(const Netlist *n, const char *family);
#define RNNC_ROM_TAIL 16 /* words of a schedule ROM past its block RAMs kept in logic (res_rom_block_depth) */
long res_rom_block_depth(const char *family, long rf, long width, bool rom_reg);
bool res_rom_room(const char *family, long depth, long width, long more); /* more words in its blocks */
bool res_rom_in_logic(const char *family, long depth, long width); /* memory_libmap keeps it out of block RAM */
long res_plan_rom_block(const char *family, const MvmPlan *p); /* ... of plan p's schedule ROM */
/* Whether table t of layer l is stored as its mirrored upper half on family (rnnc_activation
 * TABLE_MIRROR; table_mirror's mask and entry 0): where l's table_mirror is on and that takes
 * fewer block RAMs or less logic. The emitter and the resource model both ask it. */
bool res_table_mirror(const char *family, const Layer *l, const Table *t, uint64_t *mask, uint64_t *entry0);
bool res_rom_split_used(const Netlist *n);             /* some schedule ROM is an rnnc_rom_split */
double res_lut_margin(const char *family);              /* fraction of a part's LUTs to plan for */
bool res_lc_pack(const char *family);                   /* LUT + FF share the logic cells (iCE40) */
bool res_logic_spill(const char *family);               /* multipliers past a DSP budget may go to logic */
int res_ff_per_lut(const char *family);                 /* FFs beside each LUT (Xilinx 2, else 1) */
struct cJSON *res_json(const Netlist *n);                /* report.json "resources" (n->family) */
struct cJSON *res_totals_json(const Resources *r);      /* {"dsp", "lut", "ff", "bram"} */
const char *res_check_tables(void);                     /* NULL: the cost tables are consistent */
bool res_cost_rows(const char *family, double lut[RES_FEATURES], double ff[RES_FEATURES]);

/* ---- autoreuse.c: rnnc picks the reuse factors the model and command line leave open ---- */
/* which per-layer factor a knob sets: reuse_factor, or a recurrent layer's recurrent_reuse_factor
 * (its vals start with 0, not set: lower.c's form; any other value is the split form, where the
 * layer's reuse knob is x*W's factor, capped at x*W's products) */
typedef enum { KNOB_REUSE, KNOB_RREUSE, KNOB_LANE, KNOB_SHARE } KnobWhich; /* KNOB_LANE: lane_multipliers, 1 then 3;
                                                                          * KNOB_SHARE: share_multipliers, off then on */
typedef struct {
    Layer *layer;
    KnobWhich which;
    int partner;                        /* the index of the same layer's other knob, -1: none */
    int n_vals, *vals;                  /* vals: the largest factor first */
} Knob;
typedef enum { OPT_LATENCY, OPT_THROUGHPUT, OPT_AREA } Objective;
typedef struct {
    const char *family;                 /* resources.c */
    bool ultrascale;                    /* Netlist.ultrascale (res_ultrascale) */
    long max_dsp, max_lut, max_bram;    /* budgets (-1: none); LUT also bounds FF (auto_ff_cap) */
    double lut_margin;                  /* the fraction of max_lut planned for (0: all) */
    Objective objective;
    long max_latency_cycles;            /* OPT_AREA: the latency to meet */
    int table_reg;
    bool logic_spill;                   /* the multipliers past max_dsp may be built in logic
                                         * (auto_spill): --max-lut given, a family with
                                         * res_logic_spill */
} AutoOptions;
typedef struct {
    int *idx;                           /* per knob, an index into its vals; then per spill layer
                                         * its logic multipliers (auto_spill) */
    long latency, ii;
    Resources res;
    double area;                        /* used fractions of the budgets, summed */
    bool fits, tried;
} Candidate;
typedef struct {
    int n_knobs, cap_knobs;
    Knob *knob;
    int n_cand, cap_cand;
    Candidate *cand;
    int chosen, path_len;
    const AutoOptions *opts;            /* the search's (auto_search) */
    int n_spill;                        /* dense layers that may take logic multipliers (auto_spill) */
    Layer **spill;
} AutoSearch;
/* Before check_model: the layers whose factor is open (none when the model default is set). */
AutoSearch *auto_prepare(Model *m);
/* After quantize: search; the chosen candidate's factors are left set in the model. */
void auto_search(AutoSearch *a, Model *m, const AutoOptions *o);
void auto_apply(AutoSearch *a, int c);
void auto_set(AutoSearch *a, const int *idx);        /* a candidate's idx: its knobs' factors and logic multipliers */
int auto_next(AutoSearch *a, AutoOptions *o, int c, const Resources *meas, const Resources *avail, bool slow);
bool auto_pareto(const AutoSearch *a, int i);
void auto_describe(const AutoSearch *a, int c, char *out, size_t len);
int auto_value(const AutoSearch *a, int c, int k);     /* the factor knob k gives candidate c */
void auto_knob_name(const AutoSearch *a, int k, char *out, size_t len); /* "gru1", "gru1.recurrent" */
void auto_free(AutoSearch *a);
bool auto_shrink_tables(AutoSearch **pa, Model *m, const AutoOptions *o);
/* explore.c: the search's front ends. Budgets from the part (--target, --device) where not
 * given; the design emitted into dir (with the search's record when a != NULL); the flow with
 * up to RNNC_AUTO_ATTEMPTS candidates; rnnc explore. */
#define RNNC_AUTO_ATTEMPTS 3
long auto_ff_cap(const AutoOptions *o); /* autoreuse.c: the FFs max_lut allows (res_ff_per_lut; -1: none) */
void auto_budgets(AutoOptions *o, const FlowOptions *fo, const char *target, int table_reg, double latency_us);
void auto_announce(const AutoSearch *a, const AutoOptions *o);
void emit_design(const Netlist *n, const Schedule *s, const FlowOptions *fo, const char *dir, const AutoSearch *a);
int auto_flow(Model *m, AutoSearch *a, AutoOptions *o, const FlowOptions *fo, const char *dir, Netlist **n,
              Schedule **s);
int run_explore(Model *m, AutoSearch *a, const AutoOptions *o, const FlowOptions *fo, const char *dir, int synth_k);

#endif
