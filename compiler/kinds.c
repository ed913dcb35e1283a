/* kinds.c: what each layer kind and each engine kind is, declared once.
 *
 * parse.c (keys, defaults, which weights), check.c (shapes, types), keras.c and
 * keras_config.c (Keras classes), lower.c, schedule.c and emit_report.c (names) read these
 * tables instead of keeping their own lists. Adding a layer kind: docs/architecture.md. */
#include "rnnc.h"

#include <string.h>

#define WEIGHTED "units", "activation", "use_bias", "kernel", "bias", "precision", "reuse_factor", "table_size", \
                 "table_mirror"
#define RECURRENT "recurrent_kernel", "return_sequences", "go_backwards", "recurrent_reuse_factor", "share_multipliers"
#define LANES "lane_multipliers"

static const char *const keys_dense[] = {WEIGHTED, "softmax", "logic_multipliers", NULL};
static const char *const keys_lstm[] = {WEIGHTED, RECURRENT, LANES, "recurrent_activation", NULL};
static const char *const keys_gru[] = {WEIGHTED, RECURRENT, LANES, "recurrent_activation", "reset_after", NULL};
static const char *const keys_rnn[] = {WEIGHTED, RECURRENT, NULL};
static const char *const keys_none[] = {NULL};
static const char *const keys_dropout[] = {"rate", NULL};
static const char *const keys_activation[] = {"activation", "precision", "table_size", "table_mirror", "softmax", NULL};
static const char *const keys_bidirectional[] = {"merge_mode", "return_sequences", "forward", "backward", "precision", NULL};

#define RECURRENT_ENGINES "[REVERSE when go_backwards] + [PROJ (a DENSE) in the split form] + CELL"

const LayerKindInfo layer_kinds[L_KIND_COUNT] = {
    [L_DENSE] = {.name = "dense", .keras = {"Dense"}, .keys = keys_dense, .gates = 1, .weighted = true,
                 .shape = SHAPE_FEATURES, .max_engines = 2, .engines = "DENSE [+ SOFTMAX with softmax]"},
    [L_LSTM] = {.name = "lstm", .keras = {"LSTM"}, .keys = keys_lstm, .gates = 4, .weighted = true,
                .recurrent = true, .shape = SHAPE_RECURRENT, .max_engines = 3, .engines = RECURRENT_ENGINES},
    [L_GRU] = {.name = "gru", .keras = {"GRU"}, .keys = keys_gru, .gates = 3, .weighted = true,
               .recurrent = true, .shape = SHAPE_RECURRENT, .max_engines = 3, .engines = RECURRENT_ENGINES},
    [L_SIMPLE_RNN] = {.name = "simple_rnn", .keras = {"SimpleRNN"}, .keys = keys_rnn, .gates = 1, .weighted = true,
                      .recurrent = true, .shape = SHAPE_RECURRENT, .max_engines = 3, .engines = RECURRENT_ENGINES},
    [L_FLATTEN] = {.name = "flatten", .keras = {"Flatten"}, .keys = keys_none, .gates = 1, .pass_type = true,
                   .shape = SHAPE_FLATTEN, .max_engines = 1, .engines = "FLATTEN (nothing on a vector)"},
    [L_DROPOUT] = {.name = "dropout",
                   .keras = {"Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout"},
                   .keys = keys_dropout, .gates = 1, .pass_type = true, .shape = SHAPE_KEEP, .max_engines = 0,
                   .engines = "nothing"},
    [L_ACTIVATION] = {.name = "activation", .keras = {"Activation", "ReLU", "Softmax"}, .keys = keys_activation,
                      .gates = 1, .needs_act = true, .shape = SHAPE_KEEP, .max_engines = 1, .engines = "ACT"},
    /* units = the merged width (parse.c); the two directions are layers of their own (dir[]) */
    [L_BIDIRECTIONAL] = {.name = "bidirectional", .keras = {"Bidirectional"}, .keys = keys_bidirectional, .gates = 1,
                         .shape = SHAPE_RECURRENT, .max_engines = 9,
                         .engines = "BUFFER + [PROJ] + CELL [+ BUFFER] beside REVERSE + [PROJ] + CELL [+ REVERSE], "
                                    "joined by a MERGE"},
};

const char *const engine_kind_names[ENG_KIND_COUNT] = {
    [ENG_DENSE] = "dense",     [ENG_CELL] = "cell",         [ENG_FLATTEN] = "flatten",
    [ENG_REVERSE] = "reverse", [ENG_ACT] = "activation",    [ENG_SOFTMAX] = "softmax",
    [ENG_MERGE] = "merge",     [ENG_BUFFER] = "buffer",
};

const LayerKindInfo *layer_kind(LayerKind k)
{
    if ((unsigned)k >= L_KIND_COUNT || !layer_kinds[k].name) BUG("layer kind %d", (int)k);
    return &layer_kinds[k];
}

const char *layer_kind_name(LayerKind k) { return layer_kind(k)->name; }

const char *engine_kind_name(EngineKind k)
{
    if ((unsigned)k >= ENG_KIND_COUNT || !engine_kind_names[k]) BUG("engine kind %d", (int)k);
    return engine_kind_names[k];
}

bool layer_kind_by_name(const char *name, LayerKind *k)
{
    for (int i = 0; i < L_KIND_COUNT; i++)
        if (!strcmp(layer_kinds[i].name, name)) {
            *k = (LayerKind)i;
            return true;
        }
    return false;
}

bool layer_kind_by_keras(const char *cls, LayerKind *k)
{
    for (int i = 0; i < L_KIND_COUNT; i++)
        for (int j = 0; j < RNNC_KERAS_MAX && layer_kinds[i].keras[j]; j++)
            if (!strcmp(layer_kinds[i].keras[j], cls)) {
                *k = (LayerKind)i;
                return true;
            }
    return false;
}

bool layer_kind_takes(LayerKind k, const char *key)
{
    for (const char *const *s = layer_kind(k)->keys; *s; s++)
        if (!strcmp(*s, key)) return true;
    return false;
}

bool layer_key_known(const char *key)
{
    for (int i = 0; i < L_KIND_COUNT; i++)
        if (layer_kind_takes((LayerKind)i, key)) return true;
    return false;
}

static void add_text(char *out, size_t len, size_t *n, const char *s)
{
    size_t k = strlen(s);
    if (*n + k >= len) k = *n < len ? len - 1 - *n : 0;
    memcpy(out + *n, s, k);
    *n += k;
    out[*n] = 0;
}

void layer_kind_list(char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < L_KIND_COUNT; i++) {
        if (i) add_text(out, len, &n, ", ");
        add_text(out, len, &n, layer_kinds[i].name);
    }
}

void keras_class_list(char *out, size_t len)
{
    size_t n = 0;
    out[0] = 0;
    add_text(out, len, &n, "InputLayer");
    for (int i = 0; i < L_KIND_COUNT; i++) {
        add_text(out, len, &n, ", ");
        add_text(out, len, &n, layer_kinds[i].keras[0]);
    }
    const char *sep = " (also ";
    for (int i = 0; i < L_KIND_COUNT; i++)
        for (int j = 1; j < RNNC_KERAS_MAX && layer_kinds[i].keras[j]; j++) {
            add_text(out, len, &n, sep);
            add_text(out, len, &n, layer_kinds[i].keras[j]);
            sep = ", ";
        }
    if (strcmp(sep, " (also ")) add_text(out, len, &n, ")");
}
