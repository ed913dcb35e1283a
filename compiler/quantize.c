/* quantize.c: the checked Model's weights (doubles, Keras layout) -> raw integers of the layer's
 * types: kernel to ty.weight, recurrent kernel to ty.rweight, both bias rows to ty.bias, each by
 * fx_from_double (docs/numerics.md: Q of x * 2^F, then O). Weights that do not fit their type
 * are not an error (hls4ml wraps or saturates them too) but get one warning per array, since
 * a wrapped weight is almost never what the user meant. */
#include "rnnc.h"

#include <math.h>

static int64_t *quantize_array(const Model *m, const Layer *l, const char *what, const double *v, size_t n,
                               FxType t)
{
    if (!v) return NULL;
    int64_t *q = xcalloc(n, sizeof *q);
    /* Same fractional bits, 62 bits wide, signed, saturating: the value before t's overflow step. */
    FxType wide = t;
    wide.w = 62;
    wide.i = t.i + (62 - t.w);
    wide.o = O_SAT;
    wide.sgn = true; /* so negative values show for ap_ufixed */
    size_t bad = 0;
    double worst = 0;
    for (size_t k = 0; k < n; k++) {
        q[k] = fx_from_double(v[k], t);
        int64_t r = fx_from_double(v[k], wide);
        if (r < fx_min_raw(t) || r > fx_max_raw(t)) {
            bad++;
            if (fabs(v[k]) > worst) worst = fabs(v[k]);
        }
    }
    if (bad) {
        char tn[64];
        fx_format(t, tn, sizeof tn);
        fprintf(stderr,
                "rnnc: warning: %s: layers[%d].%s: %zu of %zu values do not fit %s (largest magnitude %g); "
                "they %s\n",
                m->path, l->json_index, what, bad, n, tn, worst, t.o == O_SAT ? "saturate" : "wrap around");
    }
    return q;
}

/* pfx: "" or the direction of a bidirectional ("forward.") for messages */
static void quantize_layer(const Model *m, Layer *l, const char *pfx)
{
    static const char *const what[] = {"kernel", "recurrent_kernel", "bias", "bias[1]"};
    char wn[4][40];
    for (int k = 0; k < 4; k++) snprintf(wn[k], sizeof wn[k], "%s%s", pfx, what[k]);
    size_t cols = (size_t)l->gates * (size_t)l->units;
    l->qkernel = quantize_array(m, l, wn[0], l->kernel, (size_t)l->in_feat * cols, l->ty.weight);
    l->qrkernel = quantize_array(m, l, wn[1], l->rkernel, (size_t)l->units * cols, l->ty.rweight);
    l->qbias = quantize_array(m, l, wn[2], l->bias, cols, l->ty.bias);
    l->qrbias = quantize_array(m, l, wn[3], l->rbias, cols, layer_rbias_type(l));
}

void quantize_model(Model *m)
{
    for (int i = 0; i < m->n_layers; i++) {
        Layer *l = &m->layers[i];
        quantize_layer(m, l, "");
        if (l->kind == L_BIDIRECTIONAL) {
            quantize_layer(m, l->dir[0], "forward.");
            quantize_layer(m, l->dir[1], "backward.");
        }
    }
}
